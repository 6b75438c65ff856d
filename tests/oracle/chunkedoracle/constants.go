package main

// Names and byte layouts of the two formats (docs/formats.md §1.6–1.9, §3.4–3.6).
const (
	formatEStargz     = "estargz"
	formatZstdChunked = "zstdchunked"

	tocTarName         = "stargz.index.json" // the eStargz TOC's tar entry (estargz.TOCTarName)
	prefetchLandmark   = ".prefetch.landmark"
	noPrefetchLandmark = ".no.prefetch.landmark"

	annotationEStargzTOCDigest        = "containerd.io/snapshot/stargz/toc.digest"
	annotationUncompressedSize        = "io.containers.estargz.uncompressed-size"
	annotationManifestChecksum        = "io.github.containers.zstd-chunked.manifest-checksum"
	annotationManifestPosition        = "io.github.containers.zstd-chunked.manifest-position"
	annotationTarSplitPosition        = "io.github.containers.zstd-chunked.tarsplit-position"
	annotationOldManifestSum          = "io.containers.zstd-chunked.manifest-checksum" // before late 2022, and stargz-snapshotter
	annotationOldManifestPlace        = "io.containers.zstd-chunked.manifest-position"
	skippableHeaderSize               = 8  // magic 50 2A 4D 18 + u32 LE payload length
	footer64PayloadSize               = 64 // containers/storage >= 1.50: 7 u64 LE fields + magic "GNUlInUx"
	footer40PayloadSize               = 40 // containers/storage < 1.50 and stargz-snapshotter: 4 u64 LE fields + "GnUlInUx"
	manifestTypeCRFS           uint64 = 1
)

var (
	skippableMagic = []byte{0x50, 0x2a, 0x4d, 0x18}
	zstdFrameMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic      = []byte{0x1f, 0x8b}
	magicFooter64  = []byte("GNUlInUx")
	magicFooter40  = []byte("GnUlInUx")
)
