using ChunkedBuild.Tasks.Tests;
using ChunkedBuild.Testing.Images;
using Xunit;

[assembly: AssemblyFixture(typeof(PublishedImages))]
[assembly: AssemblyFixture(typeof(TaskPackageFeed))]

// Every test runs `dotnet publish`: on two cores, one at a time is faster than several fighting for them.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
