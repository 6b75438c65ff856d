package main

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"io"
	"os"
	"strings"
)

// originalReport compares the input tar with the TOC and with the decompressed stream.
type originalReport struct {
	Path             string `json:"path"`
	Size             int64  `json:"size"`
	SHA256           string `json:"sha256"`
	Entries          int    `json:"entries"`
	ComparedTOC      int    `json:"compared_toc"`
	ComparedStream   int    `json:"compared_stream"`
	Mismatches       int    `json:"mismatches"`
	MissingInBlob    int    `json:"missing_in_blob"`
	ExtraInBlob      int    `json:"extra_in_blob"`
	SubSecondMtimes  int    `json:"subsecond_mtime_diffs"`
	OrderPreserved   bool   `json:"order_preserved"`
	StreamIdentical  bool   `json:"stream_identical_to_tar"`
	UnsupportedTypes int    `json:"unsupported_entries"`
}

// compareWithOriginal: every entry of the input tar is in the TOC and in the stream with the same metadata and
// content; the blob adds nothing but the landmarks and (eStargz) stargz.index.json.
func compareWithOriginal(tarPath, format string, tocMetas []*meta, s *stream, f *findings) *originalReport {
	rep := &originalReport{Path: tarPath}
	file, err := os.Open(tarPath)
	if err != nil {
		f.fail("--tar: %v", err)
		return rep
	}
	defer file.Close()
	sum, length := sha256.New(), &counter{}
	all := io.TeeReader(bufio.NewReaderSize(file, 1<<20), io.MultiWriter(sum, length))
	tr := tar.NewReader(all)
	var original []*meta
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.fail("--tar: %v", err)
			return rep
		}
		m := metaOfHeader(h)
		if strings.HasPrefix(m.typ, "tar-typeflag") {
			rep.UnsupportedTypes++
			f.warn("--tar: the entry %q has typeflag %q, which the lazy-pull formats cannot carry", h.Name, h.Typeflag)
			continue
		}
		if m.typ == "reg" && h.Size > 0 {
			content := sha256.New()
			if _, err := io.Copy(content, tr); err != nil {
				f.fail("--tar: reading %q: %v", h.Name, err)
				return rep
			}
			m.digest = digestString(content)
		}
		original = append(original, m)
	}
	if _, err := io.Copy(io.Discard, all); err != nil {
		f.fail("--tar: %v", err)
	}
	rep.Size, rep.SHA256, rep.Entries = length.n, digestString(sum), len(original)
	rep.StreamIdentical = rep.SHA256 == s.report.DiffID
	added := func(name string) bool {
		return name == prefetchLandmark || name == noPrefetchLandmark || (format == formatEStargz && name == tocTarName)
	}
	compare := func(against []*meta, where string, counted *int) {
		q := queue(against)
		for _, o := range original {
			got := q.take(o.name)
			if got == nil {
				f.fail("the input entry %q (%s) is missing from the %s", o.raw, o.typ, where)
				rep.MissingInBlob++
				continue
			}
			*counted++
			diffs, subSecond := differences(o, got)
			if subSecond && where == "TOC" {
				rep.SubSecondMtimes++
			}
			if len(diffs) > 0 {
				f.fail("input vs %s for %q: %s", where, o.raw, strings.Join(diffs, "; "))
				rep.Mismatches++
			}
		}
		for _, extra := range q.rest() {
			if !added(extra.name) {
				f.fail("the %s entry %q is not in the input", where, extra.raw)
				rep.ExtraInBlob++
			}
		}
	}
	compare(tocMetas, "TOC", &rep.ComparedTOC)
	if s.entries == nil {
		return rep
	}
	compare(s.entries, "stream", &rep.ComparedStream)
	var inStream []string
	for _, e := range s.entries {
		if !added(e.name) {
			inStream = append(inStream, e.name)
		}
	}
	rep.OrderPreserved = len(inStream) == len(original)
	for i := 0; rep.OrderPreserved && i < len(original); i++ {
		rep.OrderPreserved = original[i].name == inStream[i]
	}
	return rep
}
