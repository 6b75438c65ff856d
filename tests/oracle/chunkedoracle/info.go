package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// infoReport describes a blob without judging its content.
type infoReport struct {
	Command             string            `json:"command"`
	Format              string            `json:"format"`
	Blob                string            `json:"blob"`
	BlobSize            int64             `json:"blob_size"`
	Container           *container        `json:"container"`
	TOCVersion          int               `json:"toc_version"`
	TOCEntries          int               `json:"toc_entries"`
	RegularFiles        int               `json:"regular_files"`
	Pieces              int               `json:"pieces"`
	ComputedAnnotations map[string]string `json:"computed_annotations"`
	*findings
}

// runInfo detects the format from the first bytes, finds the TOC, and prints facts (or, with --dump-toc, the TOC).
func runInfo(args []string, stdout io.Writer) int {
	cl, err := parseCommandLine(args, nil, []string{"dump-toc"}, 1)
	if err != nil {
		return usageError(err)
	}
	b, err := openBlob(cl.positional[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	defer b.Close()
	format, err := detectFormat(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	f := newFindings()
	c, err := locate(b, format, f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitFailed
	}
	if cl.switches["dump-toc"] {
		stdout.Write(c.tocJSON)
		return exitOK
	}
	rep := &infoReport{Command: "info", Format: format, Blob: b.path, BlobSize: b.size, Container: c, findings: f}
	if toc, err := decodeTOC(format, c.tocJSON, f); err != nil {
		f.fail("%v", err)
	} else {
		l := describe(toc, c.DataEnd, f)
		rep.TOCVersion, rep.TOCEntries, rep.RegularFiles, rep.Pieces = toc.version, len(toc.entries), len(l.files), len(l.pieces)
	}
	rep.ComputedAnnotations = computedAnnotations(format, c, 0)
	emit(stdout, rep)
	return exitOK
}

func detectFormat(b *blob) (string, error) {
	head, err := b.bytesAt(0, 4)
	if err != nil {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return formatEStargz, nil
	case bytes.Equal(head, zstdFrameMagic), bytes.Equal(head[1:], skippableMagic[1:]) && head[0]&0xf0 == 0x50:
		return formatZstdChunked, nil
	}
	return "", errors.New("the blob is neither gzip nor zstd")
}
