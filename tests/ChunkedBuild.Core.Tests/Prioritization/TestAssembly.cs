using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ChunkedBuild.Core.Tests.Prioritization;

/// <summary>A member an assembly built by <see cref="TestAssembly.Build"/> references: <c>Namespace.Type::Member</c> of <c>Assembly</c>.</summary>
public sealed record ReferencedMember(string Assembly, string Namespace, string Type, string Member);

/// <summary>
/// Minimal managed assemblies written with System.Reflection.Metadata's builders (no compiler): a module, an assembly definition, the
/// given assembly references and member references (a static <c>void()</c> method signature each), as the startup inference reads them.
/// </summary>
public static class TestAssembly
{
    /// <summary>The bytes of a library named <paramref name="name"/> referencing <paramref name="assemblies"/> and <paramref name="members"/>.</summary>
    public static byte[] Build(string name, IEnumerable<string> assemblies, IEnumerable<ReferencedMember> members)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(0, metadata.GetOrAddString(name + ".dll"), metadata.GetOrAddGuid(new Guid("6c2b1c1e-8d43-4b8f-9a53-3c6cf0f1a0d1")), default, default);
        metadata.AddAssembly(metadata.GetOrAddString(name), new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.None);
        var references = new Dictionary<string, AssemblyReferenceHandle>(StringComparer.Ordinal);
        foreach (var assembly in assemblies.Concat(members.Select(m => m.Assembly)).Distinct(StringComparer.Ordinal))
            references[assembly] = metadata.AddAssemblyReference(metadata.GetOrAddString(assembly), new Version(10, 0, 0, 0), default, default, default, default);
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        foreach (var member in members)
        {
            var type = metadata.AddTypeReference(references[member.Assembly], metadata.GetOrAddString(member.Namespace), metadata.GetOrAddString(member.Type));
            var signature = new BlobBuilder();
            new BlobEncoder(signature).MethodSignature().Parameters(0, returnType => returnType.Void(), _ => { });
            metadata.AddMemberReference(type, metadata.GetOrAddString(member.Member), metadata.GetOrAddBlob(signature));
        }
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder());
        var output = new BlobBuilder();
        pe.Serialize(output);
        return output.ToArray();
    }
}
