using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using ChunkedBuild.Core.Oci;

namespace ChunkedBuild.Core.Registry;

/// <summary>
/// Probes whether a registry repository serves the <c>Range</c> GETs lazy (eStargz) and partial (zstd:chunked) pullers send, on a layer
/// blob it holds: one GET with a single range (the blob's last bytes: where pullers read the footer first) and one with two ranges (the
/// first bytes and some from the middle: how containers/storage asks for many chunks at once). Each answer must be 206 with exactly the
/// bytes asked for, the two-range one as <c>multipart/byteranges</c> with one part per range; anything else is reported with the status
/// the registry gave (a 200 carrying the whole blob, 416, 501…). One probe per registry and repository for the life of the instance
/// (one run): later calls get the first answer.
/// </summary>
public sealed class RangeProbe
{
    /// <summary>The smallest blob worth probing (both requests need distinct, non-overlapping ranges).</summary>
    public const long MinimumBlobSize = 256;

    private const int PartLength = 64;
    private const int AnswerLimit = 64 << 10;

    private readonly ConcurrentDictionary<string, Lazy<Task<RangeSupport>>> _probed = new(StringComparer.Ordinal);

    /// <summary>
    /// The range support of the repository of <paramref name="repository"/>, probed on <paramref name="blob"/> (at least
    /// <see cref="MinimumBlobSize"/> bytes); <paramref name="openExpected"/> opens the blob's true bytes (a local copy checked against its
    /// digest, or a verified download) to compare the answers with. Probed once per registry and repository.
    /// </summary>
    public Task<RangeSupport> ProbeAsync(RegistryClient client, ImageReference repository, Descriptor blob, Func<CancellationToken, Task<Stream>> openExpected,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blob.Size, MinimumBlobSize);
        var name = $"{repository.Registry}/{repository.Repository}";
        return _probed.GetOrAdd(name, _ => new Lazy<Task<RangeSupport>>(() => RunAsync(client, repository, name, blob, openExpected, cancellationToken))).Value;
    }

    private static async Task<RangeSupport> RunAsync(RegistryClient client, ImageReference repository, string name, Descriptor blob,
        Func<CancellationToken, Task<Stream>> openExpected, CancellationToken cancellationToken)
    {
        var size = blob.Size;
        (long First, long Last) tail = (size - PartLength, size - 1);
        (long First, long Last) head = (0, PartLength - 1);
        (long First, long Last) middle = (size / 2, size / 2 + PartLength - 1);
        var expected = await ExpectedAsync(openExpected, [tail, head, middle], cancellationToken).ConfigureAwait(false);

        var single = await CheckAsync(client, repository, blob, [tail], cancellationToken).ConfigureAwait(false);
        var singleCheck = JudgeSingle(single, tail, size, expected[0]);
        var multi = await CheckAsync(client, repository, blob, [head, middle], cancellationToken).ConfigureAwait(false);
        var multiCheck = JudgeMulti(multi, [head, middle], size, [expected[1], expected[2]]);
        return new RangeSupport(name, blob.Digest, singleCheck, multiCheck);
    }

    private static async Task<RangeAnswer?> CheckAsync(RegistryClient client, ImageReference repository, Descriptor blob, (long, long)[] ranges, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetBlobRangesAsync(repository, blob.Digest, ranges, AnswerLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Errors.ChunkedBuildException or HttpRequestException or IOException or TimeoutException)
        {
            return new RangeAnswer(0, null, null, Encoding.UTF8.GetBytes(e.Message), false);
        }
    }

    /// <summary>The true bytes of each range, read from the blob's verified copy.</summary>
    private static async Task<byte[][]> ExpectedAsync(Func<CancellationToken, Task<Stream>> open, (long First, long Last)[] ranges, CancellationToken cancellationToken)
    {
        var result = ranges.Select(r => new byte[r.Last - r.First + 1]).ToArray();
        await using var stream = await open(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        long position = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            for (var i = 0; i < ranges.Length; i++)
            {
                var from = Math.Max(ranges[i].First, position);
                var to = Math.Min(ranges[i].Last, position + n - 1);
                if (from <= to) buffer.AsSpan((int)(from - position), (int)(to - from + 1)).CopyTo(result[i].AsSpan((int)(from - ranges[i].First)));
            }
            position += n;
        }
        return result;
    }

    private static RangeCheck JudgeSingle(RangeAnswer? answer, (long First, long Last) range, long size, byte[] expected)
    {
        if (Failed(answer, size) is { } failed) return failed;
        if (answer!.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
            return new RangeCheck(false, 206, "206 as multipart/byteranges for a single range");
        if (!ContentRangeIs(answer.ContentRange, range, size))
            return new RangeCheck(false, 206, $"206 with Content-Range '{answer.ContentRange}' instead of {Describe(range, size)}");
        return answer.Body.AsSpan().SequenceEqual(expected)
            ? new RangeCheck(true, 206, "206 with the right bytes")
            : new RangeCheck(false, 206, "206 with other bytes than the blob's");
    }

    private static RangeCheck JudgeMulti(RangeAnswer? answer, (long First, long Last)[] ranges, long size, byte[][] expected)
    {
        if (Failed(answer, size) is { } failed) return failed;
        if (answer!.ContentType is not { } type || !type.StartsWith("multipart/byteranges", StringComparison.OrdinalIgnoreCase) || Boundary(type) is not { } boundary)
            return new RangeCheck(false, 206, $"206 without multipart/byteranges (Content-Type '{answer.ContentType}'): several ranges in one request are not served");
        var parts = MultipartByteRanges.Parse(answer.Body, boundary);
        if (parts is null || parts.Count != ranges.Length)
            return new RangeCheck(false, 206, $"206 with a multipart body that does not hold one part per range ({parts?.Count.ToString(CultureInfo.InvariantCulture) ?? "unreadable"})");
        for (var i = 0; i < ranges.Length; i++)
        {
            if (!ContentRangeIs(parts[i].ContentRange, ranges[i], size))
                return new RangeCheck(false, 206, $"206 with part {i + 1} for '{parts[i].ContentRange}' instead of {Describe(ranges[i], size)}");
            if (!parts[i].Body.AsSpan().SequenceEqual(expected[i])) return new RangeCheck(false, 206, $"206 with other bytes than the blob's in part {i + 1}");
        }
        return new RangeCheck(true, 206, "206 multipart/byteranges with the right bytes");
    }

    /// <summary>The verdict on an answer that is not a 206, or null for a 206.</summary>
    private static RangeCheck? Failed(RangeAnswer? answer, long size)
    {
        if (answer is null || answer.Status == 0)
            return new RangeCheck(false, 0, $"the request failed: {(answer is null ? "no answer" : Encoding.UTF8.GetString(answer.Body))}");
        if (answer.Status == (int)HttpStatusCode.PartialContent) return null;
        var status = $"{answer.Status} {ReasonOf(answer.Status)}";
        if (answer.Status == (int)HttpStatusCode.OK)
            return new RangeCheck(false, 200, answer.Truncated || answer.Body.Length >= Math.Min(size, AnswerLimit)
                ? $"{status} with the whole blob (the range is ignored)" : $"{status} without the range");
        return new RangeCheck(false, answer.Status, status);
    }

    private static string? Boundary(string contentType)
    {
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("boundary", StringComparison.OrdinalIgnoreCase)) return pair[1].Trim().Trim('"');
        }
        return null;
    }

    private static bool ContentRangeIs(string? header, (long First, long Last) range, long size) =>
        header is not null && header.Replace(" ", "", StringComparison.Ordinal).Equals($"bytes{range.First}-{range.Last}/{size}", StringComparison.OrdinalIgnoreCase);

    private static string Describe((long First, long Last) range, long size) => string.Create(CultureInfo.InvariantCulture, $"'bytes {range.First}-{range.Last}/{size}'");

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => ((HttpStatusCode)status).ToString(),
    };
}
