using ChunkedBuild.Testing.Images;
using Xunit;

// One registry and one set of SDK-published archives per test run of this project, made lazily.
[assembly: AssemblyFixture(typeof(PublishedImages))]
