using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ChunkedBuild.Core.Oci;

/// <summary>
/// The JSON contracts of every document model <see cref="OciJson"/> reads or writes, generated at compile time: no reflection at run
/// time, so the tool can be compiled ahead of time (Native AOT) and trimmed. The settings are <see cref="OciJson.Options"/>'s (this
/// context is its resolver), so the bytes written are those of the reflection-based serializer. A document model of Oci is added here; other areas keep their own context (<see cref="OciJson.With"/>).
/// </summary>
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(ImageConfigFields))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
