using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using ChunkedBuild.Core.Prioritization.Dotnet;

namespace ChunkedBuild.Core.Tests.Prioritization.Dotnet;

/// <summary><see cref="ElfDynamicInfo"/> on this machine's real binaries (against readelf), on built ELF32/ELF64 little/big endian files, and on broken input.</summary>
public class ElfDynamicInfoTests
{
    private static readonly string RuntimeDir = RuntimeEnvironment.GetRuntimeDirectory();

    [Fact]
    public void The_hosts_coreclr_needs_the_glibc_and_gcc_runtime_libraries()
    {
        if (RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64 || !OperatingSystem.IsLinux() || IsMusl())
            Assert.Skip("the expectations are those of the linux-x64 glibc build of libcoreclr.so");
        var info = ElfDynamicInfo.Read(System.IO.File.ReadAllBytes(Path.Combine(RuntimeDir, "libcoreclr.so")));
        Assert.True(info.IsElf);
        Assert.True(info.Is64Bit);
        Assert.Equal(62, info.Machine); // EM_X86_64
        Assert.Null(info.Interpreter);
        Assert.Equal(["libgcc_s.so.1", "libpthread.so.0", "librt.so.1", "libdl.so.2", "libstdc++.so.6", "libm.so.6", "libc.so.6", "ld-linux-x86-64.so.2"], info.Needed);
        Assert.Null(info.RunPath);
        Assert.Null(info.RPath);
    }

    [Theory]
    [InlineData("/usr/bin/ls")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")]
    [InlineData("runtime:libcoreclr.so")]
    [InlineData("runtime:libSystem.Native.so")]
    [InlineData("runtime:libcoreclrtraceptprovider.so")]
    [InlineData("muxer")]
    [InlineData("icu:libicuuc")]
    [InlineData("icu:libicudata")]
    public void Real_files_give_what_readelf_prints(string file)
    {
        var path = file switch
        {
            "muxer" => Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p : Path.GetFullPath(Path.Combine(RuntimeDir, "..", "..", "..", "dotnet")),
            _ when file.StartsWith("runtime:", StringComparison.Ordinal) => Path.Combine(RuntimeDir, file["runtime:".Length..]),
            _ when file.StartsWith("icu:", StringComparison.Ordinal) && HostLibraryLayer.HostIcuMajor() is { } major =>
                Path.Combine(HostLibraryLayer.LibDir, $"{file["icu:".Length..]}.so.{major}"),
            _ => file,
        };
        if (!System.IO.File.Exists(path)) Assert.Skip($"this machine has no {path}");
        var readelf = ReadElfTool(path);
        var info = ElfDynamicInfo.Read(System.IO.File.ReadAllBytes(path));
        Assert.True(info.IsElf);
        Assert.Equal(readelf.Needed, info.Needed);
        Assert.Equal(readelf.Interpreter, info.Interpreter);
        Assert.Equal(readelf.RunPath, info.RunPath);
        Assert.Equal(readelf.RPath, info.RPath);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Elf32_and_elf64_in_either_byte_order(bool is64, bool bigEndian)
    {
        var bytes = SyntheticElf.Build(is64, bigEndian, machine: 0x1234, "/lib/ld-test.so.1", ["liba.so.1", "libb.so.22"], runPath: "$ORIGIN/../lib", rPath: "/opt/rp");
        var info = ElfDynamicInfo.Read(bytes);
        Assert.Equal(new ElfDynamicInfo(true, is64, 0x1234, "/lib/ld-test.so.1", info.Needed, "$ORIGIN/../lib", "/opt/rp"), info);
        Assert.Equal(["liba.so.1", "libb.so.22"], info.Needed);

        var plain = ElfDynamicInfo.Read(SyntheticElf.Build(is64, bigEndian, machine: 3, interpreter: null, [], runPath: null, rPath: null));
        Assert.True(plain.IsElf);
        Assert.Null(plain.Interpreter);
        Assert.Empty(plain.Needed);
    }

    [Fact]
    public void Truncated_input_gives_nothing_or_the_whole_answer_and_never_throws()
    {
        var bytes = SyntheticElf.Build(true, false, 62, "/lib64/ld-linux-x86-64.so.2", ["libc.so.6"], null, null);
        var full = ElfDynamicInfo.Read(bytes);
        Assert.Equal(["libc.so.6"], full.Needed);
        for (var length = 0; length < bytes.Length; length++)
        {
            var info = ElfDynamicInfo.Read(bytes.AsSpan(0, length));
            Assert.Same(ElfDynamicInfo.None, info); // every part of this small file is needed: the string table is last
        }

        var coreclr = System.IO.File.ReadAllBytes(Path.Combine(RuntimeDir, OperatingSystem.IsLinux() ? "libcoreclr.so" : "coreclr.dll"));
        var whole = ElfDynamicInfo.Read(coreclr);
        foreach (var length in new[] { 0, 4, 16, 52, 63, 64, 200, 4096, coreclr.Length / 3, coreclr.Length / 2, coreclr.Length - 1 })
        {
            var info = ElfDynamicInfo.Read(coreclr.AsSpan(0, length));
            Assert.True(ReferenceEquals(info, ElfDynamicInfo.None) || (info.Needed.SequenceEqual(whole.Needed) && info.Interpreter == whole.Interpreter), $"length {length}");
        }
    }

    [Fact]
    public void Garbage_and_corrupted_headers_give_nothing_and_never_throw()
    {
        Assert.Same(ElfDynamicInfo.None, ElfDynamicInfo.Read([]));
        Assert.Same(ElfDynamicInfo.None, ElfDynamicInfo.Read("\u007fELF app host"u8));
        Assert.Same(ElfDynamicInfo.None, ElfDynamicInfo.Read(Encoding.ASCII.GetBytes("#!/bin/sh\nexec dotnet app.dll\n" + new string(' ', 100))));
        var random = new Random(0xE1F);
        var noise = new byte[4096];
        random.NextBytes(noise);
        "\u007fELF\u0002\u0001"u8.CopyTo(noise);
        _ = ElfDynamicInfo.Read(noise);

        // every single-byte corruption of a valid file, at every offset, with a few values
        var valid = SyntheticElf.Build(true, false, 62, "/lib/ld.so", ["liba.so", "libb.so"], "$ORIGIN", null);
        var valid32 = SyntheticElf.Build(false, true, 8, "/lib/ld.so", ["liba.so"], null, "/x");
        foreach (var original in new[] { valid, valid32 })
        {
            for (var offset = 0; offset < original.Length; offset++)
            {
                foreach (var value in new byte[] { 0x00, 0x01, 0x7f, 0x80, 0xff })
                {
                    var corrupted = (byte[])original.Clone();
                    corrupted[offset] = value;
                    var info = ElfDynamicInfo.Read(corrupted); // must not throw
                    Assert.NotNull(info.Needed);
                }
            }
        }
    }

    private static bool IsMusl() => System.IO.File.Exists("/lib/ld-musl-x86_64.so.1");

    /// <summary>NEEDED, RUNPATH, RPATH and the interpreter as <c>readelf -d -l -W</c> prints them.</summary>
    private static (List<string> Needed, string? Interpreter, string? RunPath, string? RPath) ReadElfTool(string path)
    {
        string output;
        try
        {
            using var process = Process.Start(new ProcessStartInfo("readelf", ["-d", "-l", "-W", path])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("readelf (binutils) is not installed");
            throw;
        }
        string? Tag(string tag) => Regex.Match(output, $@"\({tag}\)\s+Library (?:runpath|rpath): \[(.*)\]") is { Success: true } m ? m.Groups[1].Value : null;
        var needed = Regex.Matches(output, @"\(NEEDED\)\s+Shared library: \[(.*)\]").Select(m => m.Groups[1].Value).ToList();
        var interpreter = Regex.Match(output, @"\[Requesting program interpreter: (.*)\]") is { Success: true } i ? i.Groups[1].Value : null;
        return (needed, interpreter, Tag("RUNPATH"), Tag("RPATH"));
    }
}

/// <summary>Writes minimal ELF files: header, PT_INTERP/PT_LOAD/PT_DYNAMIC program headers, the interpreter, the dynamic array, the string table.</summary>
internal static class SyntheticElf
{
    /// <summary>The file is mapped at this virtual address, so DT_STRTAB (an address) differs from the string table's file offset.</summary>
    private const long LoadAddress = 0x40_0000;

    public static byte[] Build(bool is64, bool bigEndian, ushort machine, string? interpreter, IReadOnlyList<string> needed, string? runPath, string? rPath)
    {
        var word = is64 ? 8 : 4;
        var headerSize = is64 ? 64 : 52;
        var phentsize = is64 ? 56 : 32;
        var headers = new List<(uint Type, long Offset, long Size)>();
        var phnum = (interpreter is null ? 0 : 1) + 2;
        var cursor = headerSize + phnum * phentsize;

        var interpOffset = cursor;
        var interpBytes = interpreter is null ? [] : Encoding.UTF8.GetBytes(interpreter + "\0");
        cursor += interpBytes.Length;
        cursor = (cursor + 7) & ~7;

        // string table: "\0" then each string
        var strings = new MemoryStream();
        strings.WriteByte(0);
        int AddString(string s)
        {
            var at = (int)strings.Length;
            strings.Write(Encoding.UTF8.GetBytes(s + "\0"));
            return at;
        }
        var dynamic = new List<(long Tag, long Value)>();
        foreach (var name in needed) dynamic.Add((1, AddString(name)));
        if (runPath is not null) dynamic.Add((29, AddString(runPath)));
        if (rPath is not null) dynamic.Add((15, AddString(rPath)));
        var dynamicOffset = cursor;
        var dynamicCount = dynamic.Count + 3; // + DT_STRTAB, DT_STRSZ, DT_NULL
        var strtabOffset = dynamicOffset + dynamicCount * 2 * word;
        dynamic.Add((5, LoadAddress + strtabOffset));
        dynamic.Add((10, strings.Length));
        dynamic.Add((0, 0));
        var total = strtabOffset + (int)strings.Length;

        var bytes = new byte[total];
        void U16(int at, long v) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)v); }
        void U32(int at, long v) { if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), (uint)v); else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)v); }
        void U64(int at, long v) { if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), (ulong)v); else BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), (ulong)v); }
        void Word(int at, long v) { if (is64) U64(at, v); else U32(at, v); }

        "\u007fELF"u8.CopyTo(bytes);
        bytes[4] = (byte)(is64 ? 2 : 1);
        bytes[5] = (byte)(bigEndian ? 2 : 1);
        bytes[6] = 1; // EV_CURRENT
        U16(16, 3); // ET_DYN
        U16(18, machine);
        U32(20, 1);
        Word(is64 ? 32 : 28, headerSize); // e_phoff
        U16(is64 ? 52 : 40, headerSize);
        U16(is64 ? 54 : 42, phentsize);
        U16(is64 ? 56 : 44, phnum);

        if (interpreter is not null) headers.Add((3, interpOffset, interpBytes.Length));
        headers.Add((1, 0, total));
        headers.Add((2, dynamicOffset, dynamicCount * 2 * word));
        for (var i = 0; i < headers.Count; i++)
        {
            var ph = headerSize + i * phentsize;
            var (type, offset, size) = headers[i];
            U32(ph, type);
            Word(ph + (is64 ? 8 : 4), offset);
            Word(ph + (is64 ? 16 : 8), LoadAddress + offset);
            Word(ph + (is64 ? 32 : 16), size);
            Word(ph + (is64 ? 40 : 20), size);
        }
        interpBytes.CopyTo(bytes, interpOffset);
        for (var i = 0; i < dynamic.Count; i++)
        {
            Word(dynamicOffset + i * 2 * word, dynamic[i].Tag);
            Word(dynamicOffset + i * 2 * word + word, dynamic[i].Value);
        }
        strings.ToArray().CopyTo(bytes, strtabOffset);
        return bytes;
    }
}
