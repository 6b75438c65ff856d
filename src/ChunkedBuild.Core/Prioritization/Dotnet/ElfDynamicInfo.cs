using System.Buffers.Binary;
using System.Text;

namespace ChunkedBuild.Core.Prioritization.Dotnet;

/// <summary>
/// What the dynamic loader needs from an ELF file (ELF32 or ELF64, little or big endian): the program interpreter
/// (<c>PT_INTERP</c>), the libraries it needs (<c>DT_NEEDED</c>) and its search paths (<c>DT_RUNPATH</c>, <c>DT_RPATH</c>),
/// read from the program headers and the <c>PT_DYNAMIC</c> segment (the section headers are not used, as the loader
/// does not use them either).
/// </summary>
/// <param name="IsElf">True when the bytes are a well-formed ELF file (false: every other member is empty).</param>
/// <param name="Is64Bit">ELFCLASS64 (else ELFCLASS32).</param>
/// <param name="Machine"><c>e_machine</c> (62 x86-64, 183 AArch64, 40 ARM, 3 i386, …).</param>
/// <param name="Interpreter">The <c>PT_INTERP</c> path (executables), or null.</param>
/// <param name="Needed">The <c>DT_NEEDED</c> names, in order.</param>
/// <param name="RunPath">The <c>DT_RUNPATH</c> string (colon-separated, <c>$ORIGIN</c> unexpanded), or null.</param>
/// <param name="RPath">The <c>DT_RPATH</c> string, or null.</param>
internal sealed record ElfDynamicInfo(bool IsElf, bool Is64Bit, ushort Machine, string? Interpreter, IReadOnlyList<string> Needed, string? RunPath, string? RPath)
{
    /// <summary>The result for anything that is not a well-formed ELF file.</summary>
    public static ElfDynamicInfo None { get; } = new(false, false, 0, null, [], null, null);

    // e_ident (16 bytes at offset 0): [0..4) magic 7F 'E' 'L' 'F', [4] EI_CLASS, [5] EI_DATA.
    private const int EiClass = 4;
    private const int EiData = 5;
    private const byte ElfClass32 = 1;
    private const byte ElfClass64 = 2;
    private const byte ElfDataLsb = 1; // two's complement, little endian
    private const byte ElfDataMsb = 2; // two's complement, big endian

    // ELF header fields after e_ident: e_type (2 bytes at 16), e_machine (2 at 18), e_version (4 at 20), then
    // ELF32: e_entry (4 at 24), e_phoff (4 at 28), e_shoff (4 at 32), e_flags (4 at 36), e_ehsize (2 at 40), e_phentsize (2 at 42), e_phnum (2 at 44)
    // ELF64: e_entry (8 at 24), e_phoff (8 at 32), e_shoff (8 at 40), e_flags (4 at 48), e_ehsize (2 at 52), e_phentsize (2 at 54), e_phnum (2 at 56)
    private const int EMachineOffset = 18;
    private const int Header32Size = 52;
    private const int Header64Size = 64;

    // e_phnum == PN_XNUM (0xffff): the real count is sh_info of section header 0
    // (ELF32 section header: sh_info 4 bytes at 28; ELF64: sh_info 4 bytes at 44).
    private const int PnXnum = 0xffff;

    // Program header, ELF32 (32 bytes): p_type 0, p_offset 4, p_vaddr 8, p_paddr 12, p_filesz 16, p_memsz 20, p_flags 24, p_align 28 (4 bytes each).
    // Program header, ELF64 (56 bytes): p_type 0 (4), p_flags 4 (4), p_offset 8, p_vaddr 16, p_paddr 24, p_filesz 32, p_memsz 40, p_align 48 (8 each).
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;

    // Dynamic entry: d_tag then d_val/d_ptr, each 4 bytes (ELF32) or 8 bytes (ELF64); the array ends at DT_NULL.
    private const long DtNull = 0;
    private const long DtNeeded = 1;   // d_val: offset of a library name in the string table
    private const long DtStrtab = 5;   // d_ptr: virtual address of the string table
    private const long DtStrsz = 10;   // d_val: size of the string table in bytes
    private const long DtRpath = 15;   // d_val: offset of the (deprecated) search path
    private const long DtRunpath = 29; // d_val: offset of the search path

    private const int MaxProgramHeaders = 4096;
    private const int MaxDynamicEntries = 1 << 16;

    /// <summary>Reads the ELF file in <paramref name="bytes"/>; <see cref="None"/> when it is not ELF, or is truncated or malformed.</summary>
    public static ElfDynamicInfo Read(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return ReadCore(bytes) ?? None;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException or DecoderFallbackException)
        {
            return None;
        }
    }

    private static ElfDynamicInfo? ReadCore(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Header32Size || !bytes.StartsWith("\u007fELF"u8)) return null;
        var is64 = bytes[EiClass] switch { ElfClass32 => false, ElfClass64 => true, _ => (bool?)null };
        var bigEndian = bytes[EiData] switch { ElfDataLsb => false, ElfDataMsb => true, _ => (bool?)null };
        if (is64 is null || bigEndian is null || (is64.Value && bytes.Length < Header64Size)) return null;
        var r = new Fields(bytes, is64.Value, bigEndian.Value);

        var machine = r.U16(EMachineOffset);
        var phoff = r.Word(is64.Value ? 32 : 28);
        var phentsize = r.U16(is64.Value ? 54 : 42);
        long phnum = r.U16(is64.Value ? 56 : 44);
        if (phnum == PnXnum)
        {
            var shoff = r.Word(is64.Value ? 40 : 32);
            phnum = r.U32(checked((int)shoff) + (is64.Value ? 44 : 28));
        }
        if (phentsize < (is64.Value ? 56 : 32) || phnum > MaxProgramHeaders) return null;

        var loads = new List<(long VAddr, long Offset, long FileSize)>();
        string? interpreter = null;
        (long Offset, long Size)? dynamic = null;
        for (var i = 0; i < phnum; i++)
        {
            var ph = checked((int)(phoff + i * phentsize));
            var type = r.U32(ph);
            var offset = r.Word(ph + (is64.Value ? 8 : 4));
            var vaddr = r.Word(ph + (is64.Value ? 16 : 8));
            var fileSize = r.Word(ph + (is64.Value ? 32 : 16));
            switch (type)
            {
                case PtLoad:
                    loads.Add((vaddr, offset, fileSize));
                    break;
                case PtDynamic:
                    dynamic = (offset, fileSize);
                    break;
                case PtInterp:
                    interpreter = CString(bytes.Slice(checked((int)offset), checked((int)fileSize)));
                    break;
            }
        }

        var needed = new List<long>();
        long? strtabAddress = null, strtabSize = null, runPath = null, rPath = null;
        if (dynamic is { } dyn)
        {
            var entrySize = is64.Value ? 16 : 8;
            var count = Math.Min(dyn.Size / entrySize, MaxDynamicEntries);
            for (var i = 0; i < count; i++)
            {
                var at = checked((int)(dyn.Offset + i * entrySize));
                var tag = r.SignedWord(at);
                var value = r.Word(at + entrySize / 2);
                if (tag == DtNull) break;
                switch (tag)
                {
                    case DtNeeded: needed.Add(value); break;
                    case DtStrtab: strtabAddress = value; break;
                    case DtStrsz: strtabSize = value; break;
                    case DtRunpath: runPath = value; break;
                    case DtRpath: rPath = value; break;
                }
            }
        }
        if (needed.Count == 0 && runPath is null && rPath is null)
            return new ElfDynamicInfo(true, is64.Value, machine, interpreter, [], null, null);

        // DT_STRTAB is a virtual address: the PT_LOAD segment holding it maps it to a file offset.
        if (strtabAddress is not { } address) return null;
        var segment = loads.FirstOrDefault(l => address >= l.VAddr && address < l.VAddr + l.FileSize);
        if (segment.FileSize == 0) return null;
        var tableOffset = checked((int)(segment.Offset + (address - segment.VAddr)));
        var tableEnd = strtabSize is { } size ? tableOffset + size : bytes.Length;
        if (tableEnd > bytes.Length) return null; // truncated
        var table = bytes[tableOffset..checked((int)tableEnd)];
        var names = new List<string>(needed.Count);
        foreach (var offset in needed) names.Add(TableString(table, offset));
        return new ElfDynamicInfo(true, is64.Value, machine, interpreter, names,
            runPath is { } rp ? TableString(table, rp) : null, rPath is { } rpa ? TableString(table, rpa) : null);
    }

    /// <summary>The string at <paramref name="offset"/> of a string table (throws when the offset is outside it).</summary>
    private static string TableString(ReadOnlySpan<byte> table, long offset)
    {
        if (offset < 0 || offset >= table.Length) throw new ArgumentOutOfRangeException(nameof(offset));
        return CString(table[(int)offset..]);
    }

    /// <summary>The NUL-terminated string at the start of <paramref name="bytes"/> (UTF-8); throws when it has no NUL (truncated).</summary>
    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        if (end < 0) throw new ArgumentException("the string has no terminating NUL", nameof(bytes));
        return Encoding.UTF8.GetString(bytes[..end]);
    }

    /// <summary>Reads fixed-size fields in the file's byte order; a field past the end throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    private readonly ref struct Fields
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly bool _is64;
        private readonly bool _bigEndian;

        public Fields(ReadOnlySpan<byte> bytes, bool is64, bool bigEndian)
        {
            _bytes = bytes;
            _is64 = is64;
            _bigEndian = bigEndian;
        }

        public ushort U16(int offset) => _bigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(offset, 2)) : BinaryPrimitives.ReadUInt16LittleEndian(_bytes.Slice(offset, 2));

        public uint U32(int offset) => _bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(offset, 4)) : BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Slice(offset, 4));

        /// <summary>An address, offset or size (4 bytes in ELF32, 8 in ELF64); values beyond <see cref="long.MaxValue"/> throw.</summary>
        public long Word(int offset) => _is64
            ? checked((long)(_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(_bytes.Slice(offset, 8)) : BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(offset, 8))))
            : U32(offset);

        /// <summary>A <c>d_tag</c> (Elf32_Sword / Elf64_Sxword).</summary>
        public long SignedWord(int offset) => _is64
            ? (_bigEndian ? BinaryPrimitives.ReadInt64BigEndian(_bytes.Slice(offset, 8)) : BinaryPrimitives.ReadInt64LittleEndian(_bytes.Slice(offset, 8)))
            : (int)U32(offset);
    }
}
