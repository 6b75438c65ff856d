using ChunkedBuild.Testing.Images;
using Xunit;

// One registry and one set of SDK-published archives per test run, made lazily, shared by every test class that
// takes PublishedImages in its constructor.
[assembly: AssemblyFixture(typeof(PublishedImages))]
