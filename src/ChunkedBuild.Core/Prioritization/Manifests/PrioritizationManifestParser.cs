using System.Globalization;
using System.Text.RegularExpressions;
using ChunkedBuild.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChunkedBuild.Core.Prioritization.Manifests;

/// <summary>
/// Reads a <see cref="PrioritizationManifest"/> from YAML through YamlDotNet's node model (which keeps line numbers),
/// refusing anything outside the schema with <see cref="ErrorCodes.InvalidPrioritizationManifest"/>.
/// </summary>
internal static partial class PrioritizationManifestParser
{
    /// <summary>The keys allowed at the top level (kept equal to schemas/prioritization.schema.json by a test).</summary>
    internal static readonly IReadOnlyList<string> TopLevelKeys = ["version", "files", "exclude", "platforms"];

    /// <summary>The keys allowed in a <c>platforms</c> entry.</summary>
    internal static readonly IReadOnlyList<string> PlatformKeys = ["files", "exclude", "inherit"];

    public static PrioritizationManifest Parse(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw Error(sourceName, e.Start, $"not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            throw Error(sourceName, Mark.Empty, "the manifest is empty; it needs at least 'version: 1'");
        if (stream.Documents.Count > 1) throw Error(sourceName, stream.Documents[1].RootNode.Start, "only one YAML document is allowed");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw Error(sourceName, stream.Documents[0].RootNode.Start, "the manifest must be a mapping with the keys version, files, exclude, platforms");

        int? version = null;
        IReadOnlyList<PathPattern> files = [], exclude = [];
        var platforms = new Dictionary<string, PlatformPrioritization>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            var key = KeyName(sourceName, keyNode);
            switch (key)
            {
                case "version":
                    version = ReadVersion(sourceName, value);
                    break;
                case "files":
                    files = ReadPatterns(sourceName, "files", value);
                    break;
                case "exclude":
                    exclude = ReadPatterns(sourceName, "exclude", value);
                    break;
                case "platforms":
                    ReadPlatforms(sourceName, value, platforms);
                    break;
                default:
                    throw Error(sourceName, keyNode.Start, $"unknown key '{key}' (allowed: {string.Join(", ", TopLevelKeys)})");
            }
        }
        if (version is null) throw Error(sourceName, root.Start, $"the key 'version' is missing (write 'version: {PrioritizationManifest.CurrentVersion}')");
        return new PrioritizationManifest(sourceName, version.Value, files, exclude, platforms);
    }

    private static int ReadVersion(string source, YamlNode value)
    {
        if (value is not YamlScalarNode { Value: { } text } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw Error(source, value.Start, "'version' must be an integer");
        if (version != PrioritizationManifest.CurrentVersion)
            throw Error(source, value.Start, $"unsupported version {version}; this build reads version {PrioritizationManifest.CurrentVersion}");
        return version;
    }

    private static List<PathPattern> ReadPatterns(string source, string key, YamlNode value)
    {
        if (IsNull(value)) return [];
        if (value is not YamlSequenceNode sequence) throw Error(source, value.Start, $"'{key}' must be a list of path patterns");
        var patterns = new List<PathPattern>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            if (item is not YamlScalarNode { Value: { } text } || IsNull(item))
                throw Error(source, item.Start, $"every item of '{key}' must be a path pattern string");
            try
            {
                patterns.Add(PathPattern.Parse(text));
            }
            catch (FormatException e)
            {
                throw Error(source, item.Start, $"bad glob in '{key}': {e.Message}", e);
            }
        }
        return patterns;
    }

    private static void ReadPlatforms(string source, YamlNode value, Dictionary<string, PlatformPrioritization> platforms)
    {
        if (IsNull(value)) return;
        if (value is not YamlMappingNode mapping) throw Error(source, value.Start, "'platforms' must be a mapping of os/arch[/variant] to rules");
        foreach (var (keyNode, rulesNode) in mapping.Children)
        {
            var platform = KeyName(source, keyNode);
            if (!PlatformKey().IsMatch(platform))
                throw Error(source, keyNode.Start, $"platform key '{platform}' is not of the form os/arch or os/arch/variant (e.g. linux/arm64/v8)");
            if (rulesNode is not YamlMappingNode rules)
                throw Error(source, rulesNode.Start, $"platform '{platform}' must be a mapping with the keys {string.Join(", ", PlatformKeys)}");
            IReadOnlyList<PathPattern> files = [], exclude = [];
            var inherit = true;
            foreach (var (ruleKeyNode, ruleValue) in rules.Children)
            {
                var ruleKey = KeyName(source, ruleKeyNode);
                switch (ruleKey)
                {
                    case "files":
                        files = ReadPatterns(source, $"platforms.{platform}.files", ruleValue);
                        break;
                    case "exclude":
                        exclude = ReadPatterns(source, $"platforms.{platform}.exclude", ruleValue);
                        break;
                    case "inherit":
                        if (ruleValue is not YamlScalarNode { Value: "true" or "false" } flag)
                            throw Error(source, ruleValue.Start, $"'platforms.{platform}.inherit' must be true or false");
                        inherit = flag.Value == "true";
                        break;
                    default:
                        throw Error(source, ruleKeyNode.Start, $"unknown key '{ruleKey}' in platform '{platform}' (allowed: {string.Join(", ", PlatformKeys)})");
                }
            }
            platforms[platform] = new PlatformPrioritization(files, exclude, inherit);
        }
    }

    private static string KeyName(string source, YamlNode key) =>
        key is YamlScalarNode { Value: { } name } ? name : throw Error(source, key.Start, "keys must be plain strings");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static ChunkedBuildException Error(string source, Mark mark, string rule, Exception? inner = null)
    {
        var where = mark.Line > 0 ? $"{source}:{mark.Line}:{mark.Column}" : source;
        return new ChunkedBuildException(ErrorCodes.InvalidPrioritizationManifest, $"prioritization manifest {where}: {rule}", innerException: inner);
    }

    [GeneratedRegex("^[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?$")]
    private static partial Regex PlatformKey();
}
