package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"io"
	"strings"
)

// streamReport is what a full puller sees: the whole blob decompressed as one ordinary gzip or zstd stream.
type streamReport struct {
	DiffID           string `json:"diffid"`
	UncompressedSize int64  `json:"uncompressed_size"`
	Entries          int    `json:"entries"`
	ComparedWithTOC  int    `json:"compared_with_toc"`
}

type stream struct {
	report  streamReport
	entries []*meta // nil when the stream could not be read
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// readStream decompresses the whole blob: its DiffID and length, its tar entries with content digests, and (eStargz)
// the stargz.index.json it carries, which must be the TOC the footer points at. Non-zero bytes after the tar's end
// are reported.
func readStream(b *blob, format string, c *container, f *findings) *stream {
	s := &stream{}
	r, err := openCompressed(format, bufio.NewReaderSize(b.rangeReader(0, b.size), 1<<20))
	if err != nil {
		f.fail("the whole blob does not decompress: %v", err)
		return s
	}
	defer r.Close()
	sum, length := sha256.New(), &counter{}
	all := io.TeeReader(r, io.MultiWriter(sum, length))
	tr := tar.NewReader(all)
	var tocInStream []byte
	entries := []*meta{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.fail("the decompressed stream's tar: %v", err)
			entries = nil
			break
		}
		m := metaOfHeader(h)
		if m.typ == "reg" && h.Size > 0 {
			content := sha256.New()
			var w io.Writer = content
			var toc *bytes.Buffer
			if format == formatEStargz && m.name == tocTarName {
				toc = &bytes.Buffer{}
				w = io.MultiWriter(content, toc)
			}
			if _, err := io.Copy(w, tr); err != nil {
				f.fail("the decompressed stream: reading %q: %v", h.Name, err)
				entries = nil
				break
			}
			m.digest = digestString(content)
			if toc != nil {
				tocInStream = toc.Bytes()
			}
		}
		entries = append(entries, m)
	}
	nonZero := &nonZeroCounter{}
	if _, err := io.Copy(nonZero, all); err != nil {
		f.fail("the whole blob does not decompress: %v", err)
	}
	if nonZero.n > 0 {
		f.warn("the decompressed stream has %d non-zero bytes after the tar's end", nonZero.n)
	}
	s.entries = entries
	s.report = streamReport{DiffID: digestString(sum), UncompressedSize: length.n, Entries: len(entries)}
	if format == formatEStargz {
		switch {
		case tocInStream == nil:
			f.fail("the decompressed stream has no %s", tocTarName)
		case !bytes.Equal(tocInStream, c.tocJSON):
			f.fail("the %s in the stream differs from the TOC the footer points at", tocTarName)
		}
	}
	return s
}

type nonZeroCounter struct{ n int64 }

func (c *nonZeroCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b != 0 {
			c.n++
		}
	}
	return len(p), nil
}

// compareStreamWithTOC: the TOC describes exactly the entries of the stream (eStargz's own stargz.index.json aside).
func compareStreamWithTOC(s *stream, format string, tocMetas []*meta, f *findings) {
	if s.entries == nil {
		return
	}
	toc := queue(tocMetas)
	for _, e := range s.entries {
		if format == formatEStargz && e.name == tocTarName {
			continue
		}
		t := toc.take(e.name)
		if t == nil {
			f.fail("the stream's entry %q (%s) has no TOC entry", e.raw, e.typ)
			continue
		}
		if diffs, _ := differences(e, t); len(diffs) > 0 {
			f.fail("stream vs TOC for %q: %s", e.raw, strings.Join(diffs, "; "))
		}
		s.report.ComparedWithTOC++
	}
	for _, t := range toc.rest() {
		f.fail("the TOC entry %q is not in the decompressed stream", t.raw)
	}
}
