using ChunkedBuild.Testing.Corpus;
using Xunit;

// One corpus per test run, shared by every test class that takes a TarCorpus in its constructor.
[assembly: AssemblyFixture(typeof(TarCorpus))]
