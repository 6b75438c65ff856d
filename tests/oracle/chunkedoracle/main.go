// Command chunkedoracle is ChunkedBuild's outside oracle. It judges eStargz and zstd:chunked layer blobs with the
// readers' own Go code (stargz-snapshotter's estargz, containers/storage's TOC types, tar-split, klauspost/compress,
// as Debian 12 packages them) and runs the reference converters the benchmarks compare against. It shares no code
// with ChunkedBuild, so a wrong idea in ChunkedBuild's writers and validators cannot hide in it too.
// See ../README.md for what each check does and docs/formats.md for the rules it applies.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes: every check passed, some check failed, or the command could not run (usage, I/O).
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usage = `chunkedoracle: outside checker and reference converter for eStargz and zstd:chunked layer blobs

Check a blob (exit 0: every check passed, 1: a check failed, 2: usage or I/O error):
  chunkedoracle estargz     BLOB --toc-digest D [--diffid D] [--uncompressed-size N] [--tar ORIGINAL.tar]
  chunkedoracle zstdchunked BLOB --toc-digest D [--diffid D] [--tar ORIGINAL.tar]
                            [--manifest-checksum D] [--manifest-position S] [--tarsplit-position S]
                            [--lenient-chunk-digests]
    --toc-digest D           eStargz: sha256 of the TOC JSON (containerd.io/snapshot/stargz/toc.digest).
                             zstd:chunked: that, or sha256 of the compressed TOC (manifest-checksum).
    --diffid D               sha256 of the whole decompressed stream.
    --uncompressed-size N    length of the whole decompressed stream (io.containers.estargz.uncompressed-size).
    --tar FILE               the uncompressed input tar: every entry is compared with the TOC and the stream.
    --manifest-checksum D, --manifest-position S, --tarsplit-position S
                             the containers/storage annotations, compared with what the blob holds.
    --lenient-chunk-digests  stargz-snapshotter's VerifyTOC wants a chunkDigest on every chunk; containers/storage
                             leaves it out on single-chunk files. With this switch that is a warning (each chunk is
                             still checked against the file digest).
  Prints one JSON line (the verdict) on stdout; each error is also printed on stderr.

Describe a blob:
  chunkedoracle info BLOB [--dump-toc]      footer and TOC facts as JSON; --dump-toc prints the TOC JSON itself

Reference converters (IN is an uncompressed tar; one JSON line with digests, sizes, annotations and timing):
  chunkedoracle convert-estargz     IN OUT [--level 0-9 (default 9)] [--chunk-size N]      stargz-snapshotter Build
  chunkedoracle convert-zstdchunked IN OUT [--level fastest|default|better|best|1-22] [--chunk-size N]
                                                                    stargz-snapshotter Build with its zstdchunked
  chunkedoracle convert-cstorage    IN OUT [--level N (default 10)] containers/storage's compressor (1.43 dialect)

Golden vectors (see tests/vectors/README.md):
  chunkedoracle vectors DIR         writes what Debian's packages can make of the worked example into DIR
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(exitUsage)
	}
	os.Exit(run(os.Args[1], os.Args[2:], os.Stdout))
}

func run(command string, args []string, stdout io.Writer) int {
	switch command {
	case formatEStargz, formatZstdChunked:
		return runCheck(command, args, stdout)
	case "info":
		return runInfo(args, stdout)
	case "convert-estargz", "convert-zstdchunked", "convert-cstorage":
		return runConvert(command, args, stdout)
	case "vectors":
		return runVectors(args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", command, usage)
	return exitUsage
}

// usageError prints a command-line problem and the usage text; it returns exitUsage.
func usageError(err error) int {
	fmt.Fprintf(os.Stderr, "%v\n\n%s", err, usage)
	return exitUsage
}
