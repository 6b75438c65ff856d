using ChunkedBuild.Testing.Images;
using ChunkedBuild.Testing.Packages;
using Xunit;

[assembly: AssemblyFixture(typeof(PublishedImages))]
[assembly: AssemblyFixture(typeof(TaskPackageFeed))]

// Every test runs `dotnet publish`: on two cores, one at a time is faster than several fighting for them.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
