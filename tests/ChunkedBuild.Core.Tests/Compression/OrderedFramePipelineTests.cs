using System.Buffers;
using System.Security.Cryptography;
using ChunkedBuild.Core.Compression;
using ChunkedBuild.Core.Errors;
using Xunit;

namespace ChunkedBuild.Core.Tests.Compression;

public class OrderedFramePipelineTests
{
    private static byte[][] Units(int seed, int count)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i => ZstdFrameEncoderTests.TestInput(seed * 1000 + i, rng.Next(4) switch
        {
            0 => 0,
            1 => rng.Next(1, 200),
            2 => rng.Next(1, 70_000),
            _ => rng.Next(1, 600_000),
        })).ToArray();
    }

    private static byte[] Pooled(byte[] content)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(content.Length, 1));
        content.CopyTo(buffer, 0);
        return buffer;
    }

    private static (byte[] Output, List<FrameWritten> Written, List<byte[]> Inputs) Run(byte[][] units, Func<IFrameEncoder> factory, int dop, long maxInFlight = 1 << 20)
    {
        var destination = new MemoryStream();
        var written = new List<FrameWritten>();
        var inputs = new List<byte[]>();
        int writerThread = -1;
        using var pipeline = new OrderedFramePipeline(destination, factory, dop, w =>
        {
            if (writerThread == -1) writerThread = Environment.CurrentManagedThreadId;
            Assert.Equal(writerThread, Environment.CurrentManagedThreadId);
            written.Add(w with { Input = default });
            inputs.Add(w.Input.ToArray());
        }, maxInFlight);
        for (int i = 0; i < units.Length; i++) pipeline.Submit(Pooled(units[i]), units[i].Length, i, hashInput: i % 2 == 0);
        pipeline.Complete();
        Assert.Equal(destination.Length, pipeline.BytesWritten);
        return (destination.ToArray(), written, inputs);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("gzip")]
    public void OutputIsTheSerialEncodingForAnyThreadCount(string kind)
    {
        Func<IFrameEncoder> factory = kind == "zstd" ? () => new ZstdFrameEncoder(3) : () => new GzipMemberEncoder(6);
        var units = Units(kind.Length, 60);
        var serial = new ArrayBufferWriter<byte>();
        using (var encoder = factory())
        {
            foreach (var unit in units) encoder.Encode(unit, serial);
        }
        foreach (int dop in new[] { 1, 2, 8 })
        {
            var (output, written, inputs) = Run(units, factory, dop);
            Assert.Equal(serial.WrittenSpan.ToArray(), output);
            Assert.Equal(units.Length, written.Count);
            long offset = 0;
            for (int i = 0; i < units.Length; i++)
            {
                Assert.Equal(i, written[i].Tag);
                Assert.Equal(offset, written[i].Offset);
                Assert.Equal(units[i], inputs[i]);
                if (i % 2 == 0) Assert.Equal(SHA256.HashData(units[i]), written[i].InputSha256);
                else Assert.Null(written[i].InputSha256);
                offset += written[i].CompressedLength;
            }
            Assert.Equal(output.Length, offset);
        }
    }

    [Fact]
    public void SubmitBlocksWhileTheInputBudgetIsUsed()
    {
        using var gate = new ManualResetEventSlim(false);
        var destination = new MemoryStream();
        int written = 0;
        using var pipeline = new OrderedFramePipeline(destination, () => new GatedEncoder(gate), 2, _ => Interlocked.Increment(ref written), maxBytesInFlight: 1000);
        pipeline.Submit(Pooled(new byte[600]), 600, null, false);
        var second = new Thread(() => pipeline.Submit(Pooled(new byte[600]), 600, null, false));
        second.Start();
        Assert.False(second.Join(300), "Submit should wait while 600 + 600 bytes exceed the 1000-byte budget");
        gate.Set();
        Assert.True(second.Join(TimeSpan.FromSeconds(30)));
        pipeline.Complete();
        Assert.Equal(2, written);
        Assert.Equal(1200, destination.Length);
    }

    [Fact]
    public void WorkerFailureSurfacesAsTheOriginalException()
    {
        var destination = new MemoryStream();
        using var pipeline = new OrderedFramePipeline(destination, () => new FailingEncoder(failOnLength: 7), 2, _ => { });
        pipeline.Submit(Pooled(new byte[5]), 5, null, false);
        pipeline.Submit(Pooled(new byte[7]), 7, null, false);
        var error = Assert.Throws<ChunkedBuildException>(() =>
        {
            for (int i = 0; i < 10_000; i++) { pipeline.Submit(Pooled(new byte[5]), 5, null, false); Thread.Sleep(1); }
            pipeline.Complete();
        });
        Assert.Equal(ErrorCodes.InvalidOption, error.Code);
        Assert.Equal(ErrorCodes.InvalidOption, Assert.Throws<ChunkedBuildException>(pipeline.Complete).Code);
    }

    [Fact]
    public void CallbackFailureSurfacesFromComplete()
    {
        using var pipeline = new OrderedFramePipeline(new MemoryStream(), () => new ZstdFrameEncoder(1), 2,
            w => { if ((int)w.Tag! == 3) throw new IOException("disk full"); });
        for (int i = 0; i < 5; i++) pipeline.Submit(Pooled(new byte[100]), 100, i, false);
        Assert.Equal("disk full", Assert.Throws<IOException>(pipeline.Complete).Message);
    }

    [Fact]
    public void DisposeWithoutCompleteDoesNotHang()
    {
        using var gate = new ManualResetEventSlim(false);
        var pipeline = new OrderedFramePipeline(new MemoryStream(), () => new GatedEncoder(gate), 2, _ => { });
        for (int i = 0; i < 10; i++) pipeline.Submit(Pooled(new byte[100]), 100, i, false);
        gate.Set();
        var dispose = new Thread(pipeline.Dispose);
        dispose.Start();
        Assert.True(dispose.Join(TimeSpan.FromSeconds(30)));
        Assert.Throws<ObjectDisposedException>(() => pipeline.Submit(Pooled(new byte[1]), 1, null, false));
    }

    /// <summary>Copies input after waiting for a gate.</summary>
    private sealed class GatedEncoder(ManualResetEventSlim gate) : IFrameEncoder
    {
        public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            gate.Wait();
            output.Write(input);
        }

        public void Dispose() { }
    }

    /// <summary>Copies input; throws a ChunkedBuildException for one input length.</summary>
    private sealed class FailingEncoder(int failOnLength) : IFrameEncoder
    {
        public void Encode(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            if (input.Length == failOnLength) throw new ChunkedBuildException(ErrorCodes.InvalidOption, "boom");
            output.Write(input);
        }

        public void Dispose() { }
    }
}
