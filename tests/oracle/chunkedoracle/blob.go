package main

import (
	"fmt"
	"io"
	"os"
)

// blob is a layer blob opened for random access, as a lazy puller sees it through range requests.
type blob struct {
	path string
	file *os.File
	size int64
	all  *io.SectionReader
}

func openBlob(path string) (*blob, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &blob{path: path, file: f, size: st.Size(), all: io.NewSectionReader(f, 0, st.Size())}, nil
}

func (b *blob) Close() error { return b.file.Close() }

// rangeReader is the byte range [start, end) of the blob.
func (b *blob) rangeReader(start, end int64) *io.SectionReader {
	return io.NewSectionReader(b.file, start, end-start)
}

// bytesAt reads exactly n bytes at off.
func (b *blob) bytesAt(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > b.size {
		return nil, fmt.Errorf("range [%d, %d) is outside the blob of %d bytes", off, off+n, b.size)
	}
	p := make([]byte, n)
	if _, err := b.file.ReadAt(p, off); err != nil {
		return nil, err
	}
	return p, nil
}

// tail reads the last n bytes.
func (b *blob) tail(n int64) ([]byte, error) { return b.bytesAt(b.size-n, n) }
