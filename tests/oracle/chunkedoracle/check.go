package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	digest "github.com/opencontainers/go-digest"
)

// verdict is the one JSON line a check prints.
type verdict struct {
	Command             string            `json:"command"`
	OK                  bool              `json:"ok"`
	Blob                string            `json:"blob"`
	BlobSize            int64             `json:"blob_size"`
	Container           *container        `json:"container,omitempty"`
	TOCVersion          int               `json:"toc_version"`
	TOCEntries          int               `json:"toc_entries"`
	TOCDigestMatched    string            `json:"toc_digest_matched"` // toc-json-sha256, compressed-toc-sha256 or none
	Pieces              *piecesReport     `json:"pieces,omitempty"`
	Reference           *referenceReport  `json:"reference_reader,omitempty"`
	Stream              *streamReport     `json:"stream,omitempty"`
	TarSplit            *tarSplitReport   `json:"tar_split,omitempty"`
	Tar                 *originalReport   `json:"tar,omitempty"`
	ComputedAnnotations map[string]string `json:"computed_annotations"`
	ElapsedSeconds      float64           `json:"elapsed_s"`
	*findings
}

var checkOptions = []string{"toc-digest", "diffid", "tar", "uncompressed-size", "manifest-checksum", "manifest-position",
	"tarsplit-position", "max-messages"}

// runCheck judges one blob of the given format; see usage.
func runCheck(format string, args []string, stdout io.Writer) int {
	cl, err := parseCommandLine(args, checkOptions, []string{"lenient-chunk-digests"}, 1)
	if err != nil {
		return usageError(err)
	}
	if cl.values["toc-digest"] == "" {
		return usageError(fmt.Errorf("--toc-digest is required (chunkedoracle info BLOB prints the digests the blob has)"))
	}
	start := time.Now()
	v := &verdict{Command: format, Blob: cl.positional[0], ComputedAnnotations: map[string]string{}, findings: newFindings()}
	if n, err := strconv.Atoi(cl.values["max-messages"]); err == nil {
		v.maxKept = n
	}
	finish := func(code int) int {
		v.OK = v.ok()
		v.ElapsedSeconds = time.Since(start).Seconds()
		emit(stdout, v)
		if code == exitOK && !v.OK {
			return exitFailed
		}
		return code
	}
	b, err := openBlob(v.Blob)
	if err != nil {
		v.fail("%v", err)
		return finish(exitUsage)
	}
	defer b.Close()
	v.BlobSize = b.size

	c, err := locate(b, format, v.findings)
	if err != nil {
		v.fail("finding the TOC: %v", err)
		return finish(exitFailed)
	}
	v.Container = c
	toc, err := decodeTOC(format, c.tocJSON, v.findings)
	if err != nil {
		v.fail("%v", err)
		return finish(exitFailed)
	}
	v.TOCVersion, v.TOCEntries = toc.version, len(toc.entries)
	if toc.version != 1 {
		v.warn("the TOC's version is %d, not 1", toc.version)
	}
	v.TOCDigestMatched = matchTOCDigest(format, c, cl.values["toc-digest"], v.findings)

	l := describe(toc, c.DataEnd, v.findings)
	pieces := checkPieces(b, format, l, v.findings)
	v.Pieces = &pieces
	reference := checkWithReference(b, c, l, cl.switches["lenient-chunk-digests"], v.findings)
	v.Reference = &reference

	tocMetas := metaOfTOC(l.entries)
	s := readStream(b, format, c, v.findings)
	compareStreamWithTOC(s, format, tocMetas, v.findings)
	v.Stream = &s.report
	if want := cl.values["diffid"]; want != "" && want != s.report.DiffID {
		v.fail("the blob decompresses to %s, not the expected DiffID %s", s.report.DiffID, want)
	}
	if want := cl.values["uncompressed-size"]; want != "" && want != strconv.FormatInt(s.report.UncompressedSize, 10) {
		v.fail("the blob decompresses to %d bytes, not the expected %s", s.report.UncompressedSize, want)
	}
	if format == formatZstdChunked {
		v.TarSplit = checkTarSplit(b, c, toc, l, s.report.DiffID, v.findings)
	}
	v.ComputedAnnotations = computedAnnotations(format, c, s.report.UncompressedSize)
	checkAnnotationOptions(format, c, cl.values, v.findings)
	if tarPath := cl.values["tar"]; tarPath != "" {
		v.Tar = compareWithOriginal(tarPath, format, tocMetas, s, v.findings)
	}
	return finish(exitOK)
}

// matchTOCDigest compares --toc-digest with the TOC JSON's digest (eStargz, stargz-snapshotter's zstdchunked) or the
// compressed TOC's digest (containers/storage's manifest-checksum).
func matchTOCDigest(format string, c *container, given string, f *findings) string {
	want, err := digest.Parse(given)
	if err != nil {
		f.fail("--toc-digest %q: %v", given, err)
		return "none"
	}
	switch {
	case want.String() == c.TOCDigest:
		return "toc-json-sha256"
	case format == formatZstdChunked && want.String() == c.ManifestChecksum:
		return "compressed-toc-sha256"
	}
	extra := ""
	if c.ManifestChecksum != "" {
		extra = ", the compressed TOC's " + c.ManifestChecksum
	}
	f.fail("TOC digest mismatch: expected %s; the TOC JSON's digest is %s%s", given, c.TOCDigest, extra)
	return "none"
}

// computedAnnotations are the layer annotations the blob calls for (docs/formats.md §1.9, §3.6).
func computedAnnotations(format string, c *container, uncompressed int64) map[string]string {
	a := map[string]string{}
	if format == formatEStargz || c.FooterSize == footer40PayloadSize {
		a[annotationEStargzTOCDigest] = c.TOCDigest
		if uncompressed > 0 {
			a[annotationUncompressedSize] = strconv.FormatInt(uncompressed, 10)
		}
	}
	if format != formatZstdChunked {
		return a
	}
	position := fmt.Sprintf("%d:%d:%d:1", c.TOCOffset, c.TOCCompressedSize, c.TOCJSONSize)
	if c.FooterSize == footer40PayloadSize {
		a[annotationOldManifestSum], a[annotationOldManifestPlace] = c.ManifestChecksum, position
		return a
	}
	a[annotationManifestChecksum], a[annotationManifestPosition] = c.ManifestChecksum, position
	if c.TarSplit != nil {
		a[annotationTarSplitPosition] = fmt.Sprintf("%d:%d:%d", c.TarSplit.Offset, c.TarSplit.Length, c.TarSplit.Uncompressed)
	}
	return a
}

// checkAnnotationOptions compares the containers/storage annotations given on the command line with the blob.
func checkAnnotationOptions(format string, c *container, given map[string]string, f *findings) {
	if format != formatZstdChunked {
		return
	}
	tarSplit := ""
	if c.TarSplit != nil {
		tarSplit = fmt.Sprintf("%d:%d:%d", c.TarSplit.Offset, c.TarSplit.Length, c.TarSplit.Uncompressed)
	}
	for option, actual := range map[string]string{
		"manifest-checksum": c.ManifestChecksum,
		"manifest-position": fmt.Sprintf("%d:%d:%d:1", c.TOCOffset, c.TOCCompressedSize, c.TOCJSONSize),
		"tarsplit-position": tarSplit,
	} {
		if want := given[option]; want != "" && want != actual {
			f.fail("--%s %s does not match the blob (%s)", option, want, actual)
		}
	}
}

func emit(w io.Writer, v interface{}) {
	line, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(w, `{"ok":false,"errors":["the verdict could not be written as JSON"]}`)
		return
	}
	w.Write(append(line, '\n'))
}
