using ChunkedBuild.LazyPull.Tests;
using Xunit;

// One registry and one set of lazy-start images per test run of this project, made lazily.
[assembly: AssemblyFixture(typeof(LazyStartImages))]

// Each test runs its own containerd, snapshotter and container: on two cores, one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
