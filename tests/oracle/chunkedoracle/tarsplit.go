package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/containers/storage/pkg/chunked/cstoragetoc"
	"github.com/klauspost/compress/zstd"
	tstar "github.com/vbatts/tar-split/archive/tar"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
)

// tarSplitReport is what the tar-split frame of a zstd:chunked blob proved (docs/formats.md §2.3, §4).
type tarSplitReport struct {
	Offset            int64  `json:"offset"`
	CompressedSize    int64  `json:"compressed_size"`
	UncompressedSize  int64  `json:"uncompressed_size"`
	Digest            string `json:"digest"`
	DigestInTOC       string `json:"digest_in_toc"`
	Headers           int    `json:"headers"`
	ReassembledSize   int64  `json:"reassembled_size"`
	ReassembledDiffID string `json:"reassembled_diffid"`
	RuleMismatches    int    `json:"cstorage_rule_mismatches"`
}

// checkTarSplit applies what containers/storage does with the tar-split of a partial pull: its digest against the
// TOC's tarSplitDigest; its headers, read segment by segment as tar-split's IterateHeaders does, matched one to one
// with the TOC under ensureTOCMatchesTarSplit's rule; and the tar rebuilt from it plus the files' bytes (each read
// from its pieces, CRC-64 checked by tar-split) hashed for the DiffID the config commits to.
func checkTarSplit(b *blob, c *container, toc *parsedTOC, l *layout, streamDiffID string, f *findings) *tarSplitReport {
	if c.TarSplit == nil {
		if toc.tarSplitDigest != "" {
			f.fail("the TOC has a tarSplitDigest but the footer places no tar-split")
		}
		return nil
	}
	rep := &tarSplitReport{Offset: c.TarSplit.Offset, CompressedSize: c.TarSplit.Length, UncompressedSize: c.TarSplit.Uncompressed,
		DigestInTOC: toc.tarSplitDigest}
	compressed, err := b.bytesAt(c.TarSplit.Offset, c.TarSplit.Length)
	if err != nil {
		f.fail("the tar-split: %v", err)
		return rep
	}
	rep.Digest = sha256String(compressed)
	switch {
	case toc.tarSplitDigest == "":
		f.fail("a tar-split is present but the TOC has no tarSplitDigest (containers/storage ignores such a tar-split)")
	case toc.tarSplitDigest != rep.Digest:
		f.fail("the tar-split's compressed bytes hash to %s, the TOC's tarSplitDigest is %s", rep.Digest, toc.tarSplitDigest)
	}
	d, err := zstd.NewReader(bytes.NewReader(compressed))
	if err != nil {
		f.fail("the tar-split: %v", err)
		return rep
	}
	lines, err := io.ReadAll(d)
	d.Close()
	if err != nil {
		f.fail("the tar-split does not decompress: %v", err)
		return rep
	}
	if int64(len(lines)) != c.TarSplit.Uncompressed {
		f.fail("the tar-split decompresses to %d bytes; the footer says %d", len(lines), c.TarSplit.Uncompressed)
	}
	rep.Headers, rep.RuleMismatches = matchTOCWithTarSplit(lines, toc.cstorage, f)
	rebuild(b, lines, l, streamDiffID, rep, f)
	return rep
}

// matchTOCWithTarSplit reads the tar-split's headers as IterateHeaders does (one header, with its extension blocks,
// per segment, after the previous file's padding) and applies containers/storage's ensureTOCMatchesTarSplit: TOC
// names unique, every header paired with the TOC entry of the identical name and the other way round, and their
// attributes equal (ensureFileMetadataAttributesMatch).
func matchTOCWithTarSplit(lines []byte, toc *cstoragetoc.TOC, f *findings) (headers, mismatches int) {
	pending := map[string]*cstoragetoc.FileMetadata{}
	for i := range toc.Entries {
		e := &toc.Entries[i]
		if e.Type == cstoragetoc.TypeChunk {
			continue
		}
		if _, dup := pending[e.Name]; dup {
			f.fail("containers/storage rule: the TOC has more than one entry named %q", e.Name)
			mismatches++
		}
		pending[e.Name] = e
	}
	unpacker := storage.NewJSONUnpacker(bytes.NewReader(lines))
	var padding int64
	for {
		entry, err := unpacker.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.fail("the tar-split's JSON lines: %v", err)
			return headers, mismatches + 1
		}
		if entry.Type != storage.SegmentType {
			continue
		}
		payload := entry.Payload
		if int64(len(payload)) < padding {
			f.fail("a tar-split segment holds %d bytes, less than the %d bytes of padding the previous file needs", len(payload), padding)
			return headers, mismatches + 1
		}
		if !allZero(payload[:padding]) {
			// IterateHeaders skips the padding without looking at it; the rebuilt tar's digest still covers it.
			f.warn("a tar-split segment starts with non-zero padding")
		}
		tr := tstar.NewReader(bytes.NewReader(payload[padding:]))
		h, err := tr.Next()
		if err == io.EOF {
			padding = 0
			continue
		}
		if err != nil {
			f.fail("a tar-split segment does not hold one whole tar header: %v", err)
			return headers, mismatches + 1
		}
		headers++
		padding = dataPadding(h)
		e, ok := pending[h.Name]
		if !ok {
			f.fail("containers/storage rule: the tar-split's header %q has no TOC entry of that exact name", h.Name)
			mismatches++
			continue
		}
		delete(pending, h.Name)
		if diffs := cstorageAttributeDifferences(e, h); len(diffs) > 0 {
			f.fail("containers/storage rule: the TOC and the tar-split differ for %q: %s", h.Name, strings.Join(diffs, "; "))
			mismatches++
		}
	}
	for name := range pending {
		f.fail("containers/storage rule: the TOC entry %q is not in the tar-split", name)
		mismatches++
	}
	return headers, mismatches
}

// dataPadding is the zero padding after an entry's data: header-only types carry no data whatever their size field.
func dataPadding(h *tstar.Header) int64 {
	size := h.Size
	switch h.Typeflag {
	case tstar.TypeLink, tstar.TypeSymlink, tstar.TypeChar, tstar.TypeBlock, tstar.TypeDir, tstar.TypeFifo:
		size = 0
	}
	return -size & 511
}

func allZero(p []byte) bool {
	for _, b := range p {
		if b != 0 {
			return false
		}
	}
	return true
}

// cstorageAttributeDifferences is ensureFileMetadataAttributesMatch's list: type, link name, mode, size, owner, the
// three times as instants (absent, zero and the Unix epoch alike), device numbers, and the xattrs as base64 strings.
func cstorageAttributeDifferences(e *cstoragetoc.FileMetadata, h *tstar.Header) (diffs []string) {
	typ, err := cstoragetoc.EntryType(h.Typeflag)
	if err != nil {
		return []string{err.Error()}
	}
	if e.Type != typ {
		diffs = append(diffs, fmt.Sprintf("type %q != %q", e.Type, typ))
	}
	if e.Linkname != h.Linkname {
		diffs = append(diffs, fmt.Sprintf("linkName %q != %q", e.Linkname, h.Linkname))
	}
	if e.Mode != h.Mode {
		diffs = append(diffs, fmt.Sprintf("mode %o != %o", e.Mode, h.Mode))
	}
	if e.Size != h.Size {
		diffs = append(diffs, fmt.Sprintf("size %d != %d", e.Size, h.Size))
	}
	if e.UID != h.Uid || e.GID != h.Gid {
		diffs = append(diffs, fmt.Sprintf("uid/gid %d/%d != %d/%d", e.UID, e.GID, h.Uid, h.Gid))
	}
	for _, t := range []struct {
		name string
		toc  *time.Time
		tar  time.Time
	}{{"modtime", e.ModTime, h.ModTime}, {"accesstime", e.AccessTime, h.AccessTime}, {"changetime", e.ChangeTime, h.ChangeTime}} {
		var inTOC time.Time
		if t.toc != nil {
			inTOC = *t.toc
		}
		tocHas, tarHas := presentTime(inTOC), presentTime(t.tar)
		if tocHas != tarHas || (tocHas && !inTOC.Equal(t.tar)) {
			diffs = append(diffs, fmt.Sprintf("%s %s != %s", t.name, instant(tocHas, inTOC), instant(tarHas, t.tar)))
		}
	}
	if e.Devmajor != h.Devmajor || e.Devminor != h.Devminor {
		diffs = append(diffs, fmt.Sprintf("device %d,%d != %d,%d", e.Devmajor, e.Devminor, h.Devmajor, h.Devminor))
	}
	want := map[string]string{}
	for k, v := range h.PAXRecords {
		if name := strings.TrimPrefix(k, "SCHILY.xattr."); name != k {
			want[name] = base64.StdEncoding.EncodeToString([]byte(v))
		}
	}
	got := e.Xattrs
	if got == nil {
		got = map[string]string{}
	}
	if !sameStrings(want, got) {
		diffs = append(diffs, fmt.Sprintf("xattrs %q != %q", got, want))
	}
	return diffs
}

func instant(present bool, t time.Time) string {
	if !present {
		return "<none>"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// rebuild reassembles the tar with tar-split's own assembler, each file's bytes read from its pieces in the blob,
// and checks that it hashes to what the data frames decompress to.
func rebuild(b *blob, lines []byte, l *layout, streamDiffID string, rep *tarSplitReport, f *findings) {
	files := map[string][]*regularFile{}
	for _, file := range l.files {
		files[file.entry.raw] = append(files[file.entry.raw], file)
	}
	getter := &pieceGetter{b: b, files: files}
	out := asm.NewOutputTarStream(getter, storage.NewJSONUnpacker(bytes.NewReader(lines)))
	defer out.Close()
	sum, length := sha256.New(), &counter{}
	if _, err := io.Copy(io.MultiWriter(sum, length), out); err != nil {
		f.fail("rebuilding the tar from the tar-split: %v", err)
		return
	}
	rep.ReassembledSize, rep.ReassembledDiffID = length.n, digestString(sum)
	if streamDiffID != "" && rep.ReassembledDiffID != streamDiffID {
		f.fail("the tar rebuilt from the tar-split hashes to %s; the data frames decompress to %s", rep.ReassembledDiffID, streamDiffID)
	}
}

// pieceGetter hands tar-split's assembler the content of each named file, read piece by piece from the blob.
type pieceGetter struct {
	b     *blob
	files map[string][]*regularFile
}

func (g *pieceGetter) Get(name string) (io.ReadCloser, error) {
	queue := g.files[name]
	if len(queue) == 0 {
		return nil, fmt.Errorf("the tar-split names the file %q, which has no regular-file TOC entry", name)
	}
	g.files[name] = queue[1:]
	content := &bytes.Buffer{}
	for _, p := range queue[0].pieces {
		if !p.usable {
			return nil, fmt.Errorf("the file %q has a piece at an invalid offset", name)
		}
		if _, err := readPiece(g.b, formatZstdChunked, p, content); err != nil {
			return nil, fmt.Errorf("the file %q: %v", name, err)
		}
	}
	return io.NopCloser(content), nil
}
