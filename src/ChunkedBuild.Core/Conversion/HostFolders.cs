namespace ChunkedBuild.Core.Conversion;

/// <summary>
/// The folders an edge asks the system for, once (the temporary folder, the user's home and application-data folders), for
/// <see cref="HostEnvironment.From"/>: Core takes them as inputs and asks for none itself.
/// </summary>
/// <param name="Temp">The temporary folder.</param>
/// <param name="UserProfile">The user's home folder (null: unknown).</param>
/// <param name="LocalAppData">The user's application-data folder.</param>
public sealed record HostFolders(string Temp, string? UserProfile, string LocalAppData);
