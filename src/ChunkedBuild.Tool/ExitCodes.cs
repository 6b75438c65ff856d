using ChunkedBuild.Core.Errors;

namespace ChunkedBuild.Tool;

/// <summary>The documented exit codes of <c>dotnet chunked</c>.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked (for verify: every check passed).</summary>
    public const int Ok = 0;
    /// <summary>verify: at least one check failed (one line per failure was printed).</summary>
    public const int VerificationFailed = 1;
    /// <summary>The command line is wrong (unknown option, missing argument, value out of range).</summary>
    public const int Usage = 2;
    /// <summary>The input was refused or is invalid (CHB1xxx/CHB2xxx: corrupt tar, an entry a format cannot carry…).</summary>
    public const int InvalidInput = 3;
    /// <summary>A file could not be read or written (CHB9002).</summary>
    public const int IoError = 4;
    /// <summary>A registry could not be reached, refused the credentials, or answered with an error (CHB4xxx).</summary>
    public const int RegistryError = 5;
    /// <summary>An unexpected internal error (a bug: please report it). 70 is EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;
    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
    /// <summary>Stopped with SIGTERM (128 + 15), e.g. by a CI runner or <c>docker stop</c>.</summary>
    public const int Terminated = 143;

    /// <summary>Help text listing the codes.</summary>
    public const string Help = """
        Exit codes: 0 ok; 1 verification failed; 2 usage error (bad or missing command or options, CHB9001);
          3 input refused or invalid (CHB1xxx tar/layer, CHB2xxx image, CHB3xxx prioritization file); 4 I/O error (CHB9002);
          5 registry error (CHB4xxx: unreachable, access denied, protocol error); 70 internal error (a bug; please report it);
          130 interrupted (SIGINT, Ctrl+C), 143 terminated (SIGTERM): nothing partial is left behind.
        Errors are printed on stderr as 'error CHBxxxx: message'.
        """;

    /// <summary>The exit code for a coded error.</summary>
    public static int For(ChunkedBuildException e) => e.Code switch
    {
        ErrorCodes.InvalidOption or ErrorCodes.InvalidCredentialOption => Usage,
        ErrorCodes.IoError => IoError,
        ErrorCodes.ValidationFailed => VerificationFailed,
        _ when e.Code.StartsWith("CHB4", StringComparison.Ordinal) => RegistryError,
        _ => InvalidInput,
    };
}
