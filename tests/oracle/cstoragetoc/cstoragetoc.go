// Package cstoragetoc exposes containers/storage's own zstd:chunked TOC types to the oracle.
//
// Debian packages containers/storage 1.43, whose TOC types live in pkg/chunked/internal, a package Go lets only
// pkg/chunked/... import. build.sh therefore places this file at github.com/containers/storage/pkg/chunked/cstoragetoc
// in the oracle's temporary GOPATH, beside build-time copies of Debian's pkg/chunked/internal and pkg/chunked/compressor,
// so the oracle decodes TOCs with containers/storage's struct tags and maps tar types with its table.
package cstoragetoc

import "github.com/containers/storage/pkg/chunked/internal"

// FileMetadata is one TOC entry as containers/storage declares it (key spellings in its JSON tags).
type FileMetadata = internal.FileMetadata

// TOC is the zstd:chunked TOC. containers/storage 1.43 predates the tarSplitDigest key (added in 1.54), so it is
// declared here beside the library's entry type.
type TOC struct {
	Version        int            `json:"version"`
	Entries        []FileMetadata `json:"entries"`
	TarSplitDigest string         `json:"tarSplitDigest,omitempty"`
}

// EntryType maps a tar typeflag to the TOC type containers/storage uses, or fails for the typeflags it refuses.
func EntryType(typeflag byte) (string, error) { return internal.GetType(typeflag) }

// The TOC entry types and chunk types, as containers/storage spells them.
const (
	TypeReg        = internal.TypeReg
	TypeChunk      = internal.TypeChunk
	TypeLink       = internal.TypeLink
	TypeSymlink    = internal.TypeSymlink
	TypeDir        = internal.TypeDir
	TypeChar       = internal.TypeChar
	TypeBlock      = internal.TypeBlock
	TypeFifo       = internal.TypeFifo
	ChunkTypeZeros = internal.ChunkTypeZeros
)
