using System.Net;
using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Core.Registry.Http;

/// <summary>
/// Runs an operation with retries: on 429 (waiting for <c>Retry-After</c> when given), on 5xx except 501/505, on connection
/// failures (<see cref="HttpRequestException"/> other than DNS and TLS failures, <see cref="IOException"/>) and on timeouts.
/// Waits grow exponentially with jitter from a seedable generator. No attempt starts past <see cref="RegistryRetryOptions.MaxElapsed"/>
/// (measured from the first attempt or the last progress). When attempts or time run out the last failure becomes a coded
/// <see cref="ChunkedBuildException"/>.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly RegistryRetryOptions _options;
    private readonly Random _jitter;
    private readonly Lock _jitterLock = new();

    public RetryPolicy(RegistryRetryOptions options)
    {
        _options = options;
        _jitter = options.JitterSeed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Attempts per operation.</summary>
    public int MaxAttempts => Math.Max(1, _options.MaxAttempts);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns or fails with a non-retryable error. The attempt may call
    /// <see cref="RetryBudget.Reset"/> after making progress (a chunk uploaded), which restores the full number of attempts.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<RetryBudget, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var budget = new RetryBudget(_options.TimeProvider);
        while (true)
        {
            budget.Attempt++;
            budget.Total++;
            try
            {
                return await attempt(budget, cancellationToken).ConfigureAwait(false);
            }
            catch (RetryableStatusException e)
            {
                var wait = e.RetryAfter is { } after ? Min(after, _options.MaxDelay) : Backoff(budget.Attempt);
                if (GiveUp(budget, wait) is { } why) throw e.ToFinal(budget.Total, why);
                await _options.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                var wait = Backoff(budget.Attempt);
                if (GiveUp(budget, wait) is { } why) throw RegistryErrors.Unreachable(operation, e, budget.Total, why);
                await _options.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw RegistryErrors.Unreachable(operation, e, budget.Total);
            }
        }
    }

    /// <summary>Null to retry after <paramref name="wait"/>; else why not (empty when the attempts ran out, a note when the time budget did).</summary>
    private string? GiveUp(RetryBudget budget, TimeSpan wait)
    {
        if (budget.Attempt >= MaxAttempts) return "";
        if (budget.Elapsed + wait >= _options.MaxElapsed)
            return $"; no further attempt: the retry budget of {_options.MaxElapsed.TotalSeconds:0.###} s is spent";
        return null;
    }

    /// <summary>True for status codes worth retrying.</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported));

    /// <summary>The wait a <c>Retry-After</c> header asks for (seconds or an HTTP date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider? time = null)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - (time ?? TimeProvider.System).GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException h => h.HttpRequestError is not (HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.UserAuthenticationError or HttpRequestError.InvalidResponse),
        IOException => true,
        TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, _options.MaxDelay.TotalMilliseconds);
        double factor;
        lock (_jitterLock) factor = 0.5 + _jitter.NextDouble() / 2;
        return TimeSpan.FromMilliseconds(capped * factor);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>Attempts made so far by one <see cref="RetryPolicy.RunAsync{T}"/> call.</summary>
internal sealed class RetryBudget(TimeProvider time)
{
    private long _since = time.GetTimestamp();

    /// <summary>Time since the first attempt or the last <see cref="Reset"/>.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_since);

    /// <summary>The current attempt since the last progress (1-based).</summary>
    public int Attempt { get; set; }

    /// <summary>All attempts made.</summary>
    public int Total { get; set; }

    /// <summary>True on a retry (not the first attempt).</summary>
    public bool IsRetry => Total > 1;

    /// <summary>Progress was made: the next failure starts a fresh series of attempts.</summary>
    public void Reset()
    {
        Attempt = 0;
        RestartClock();
    }

    /// <summary>An attempt moved data before failing: the time budget starts again (the attempts keep counting).</summary>
    public void RestartClock() => _since = time.GetTimestamp();
}

/// <summary>
/// Thrown inside an attempt for a response whose status is worth retrying. The response is read (its <c>errors[]</c>) and disposed
/// when this is made, so the final error can be reported after the response is gone.
/// </summary>
internal sealed class RetryableStatusException : Exception
{
    private RetryableStatusException(string code, string text, TimeSpan? retryAfter) : base(text)
    {
        Code = code;
        Text = text;
        RetryAfter = retryAfter;
    }

    /// <summary>The error code to report when attempts run out.</summary>
    public string Code { get; }

    /// <summary>The error text (method, URL, status, the registry's errors).</summary>
    public string Text { get; }

    /// <summary>The wait the registry asked for, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Reads and disposes <paramref name="response"/>.</summary>
    public static async Task<RetryableStatusException> FromAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var retryAfter = RetryPolicy.RetryAfter(response);
        var error = await RegistryErrors.TextAsync(response, operation, cancellationToken).ConfigureAwait(false);
        return new RetryableStatusException(error.Code, error.Text, retryAfter);
    }

    /// <summary>The coded error to throw once attempts run out.</summary>
    public ChunkedBuildException ToFinal(int attempts, string why = "") => new(Code, (attempts > 1 ? $"{Text} (after {attempts} attempts)" : Text) + why);
}
