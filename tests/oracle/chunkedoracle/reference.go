package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/containerd/stargz-snapshotter/estargz"
	digest "github.com/opencontainers/go-digest"
)

// referenceReport is what stargz-snapshotter's own reader said.
type referenceReport struct {
	Opened    bool   `json:"opened"`
	VerifyTOC string `json:"verify_toc"` // "ok", or the library's error
	Verified  int    `json:"pieces_verified"`
}

// checkWithReference opens the blob with estargz.Open (the reader stargz-snapshotter mounts layers with), checks
// that it computes the same TOC digest, runs VerifyTOC, then reads every piece through OpenFile and
// ChunkEntryForOffset and checks it with the library's TOCEntryVerifier. containers/storage TOCs leave chunkDigest
// out on single-chunk files, which VerifyTOC refuses; with lenient that refusal is a warning and each piece is
// checked against the TOC's digest instead.
func checkWithReference(b *blob, c *container, l *layout, lenient bool, f *findings) referenceReport {
	rep := referenceReport{VerifyTOC: "not run"}
	r, err := estargz.Open(b.all, estargz.WithDecompressors(c.decompressor))
	if err != nil {
		f.fail("estargz.Open: %v", err)
		return rep
	}
	rep.Opened = true
	if got := r.TOCDigest().String(); got != c.TOCDigest {
		f.fail("estargz.Open computed the TOC digest %s; the TOC found through the footer hashes to %s", got, c.TOCDigest)
	}
	verifier, err := r.VerifyTOC(r.TOCDigest())
	if err != nil {
		rep.VerifyTOC = err.Error()
		missing := strings.Contains(err.Error(), "ChunkDigest not found")
		switch {
		case missing && lenient:
			f.warn("VerifyTOC: %v (lenient: pieces are checked against the TOC's digests)", err)
		case missing:
			f.fail("VerifyTOC: %v (containers/storage TOCs omit chunkDigest on single-chunk files: pass --lenient-chunk-digests)", err)
		default:
			f.fail("VerifyTOC: %v", err)
		}
		verifier = nil
		if !(missing && lenient) {
			return rep
		}
	} else {
		rep.VerifyTOC = "ok"
	}
	perName := map[string]int{}
	for _, file := range l.files {
		perName[file.entry.name]++
	}
	var buf []byte
	for _, file := range l.files {
		if perName[file.entry.name] > 1 {
			continue // the reader keeps one entry per name; duplicates are reported by describe
		}
		fr, err := r.OpenFile(file.entry.name)
		if err != nil {
			f.fail("estargz reader: OpenFile(%q): %v", file.entry.name, err)
			continue
		}
		for _, p := range file.pieces {
			if !p.usable {
				continue
			}
			ce, ok := r.ChunkEntryForOffset(file.entry.name, p.chunkOffset)
			if !ok || ce.ChunkOffset != p.chunkOffset || ce.ChunkSize != p.chunkSize {
				f.fail("estargz reader: %q has no chunk [%d, +%d)", file.entry.name, p.chunkOffset, p.chunkSize)
				continue
			}
			if int64(cap(buf)) < p.chunkSize {
				buf = make([]byte, p.chunkSize)
			}
			data := buf[:p.chunkSize]
			if n, err := fr.ReadAt(data, p.chunkOffset); int64(n) != p.chunkSize || (err != nil && err != io.EOF) {
				f.fail("estargz reader: ReadAt(%q, %d) read %d bytes: %v", file.entry.name, p.chunkOffset, n, err)
				continue
			}
			if !verifiedBy(verifier, ce, p, data, f) {
				continue
			}
			rep.Verified++
		}
	}
	return rep
}

func verifiedBy(verifier estargz.TOCEntryVerifier, ce *estargz.TOCEntry, p *piece, data []byte, f *findings) bool {
	if verifier == nil {
		sum := sha256.Sum256(data)
		if "sha256:"+hex.EncodeToString(sum[:]) != p.expectedDigest() {
			f.fail("estargz reader: %q at %d does not match the TOC's digest", p.file.entry.name, p.chunkOffset)
			return false
		}
		return true
	}
	var v digest.Verifier
	v, err := verifier.Verifier(ce)
	if err != nil {
		f.fail("estargz reader: no verifier for %q at %d: %v", p.file.entry.name, p.chunkOffset, err)
		return false
	}
	v.Write(data)
	if !v.Verified() {
		f.fail("estargz reader: %q at %d fails the TOC entry verifier", p.file.entry.name, p.chunkOffset)
		return false
	}
	return true
}
