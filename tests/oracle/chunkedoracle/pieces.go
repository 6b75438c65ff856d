package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/klauspost/compress/zstd"
)

// openCompressed decompresses r as the format's readers do: gzip members one after another, or zstd frames with
// skippable frames skipped.
func openCompressed(format string, r io.Reader) (io.ReadCloser, error) {
	if format == formatEStargz {
		return gzip.NewReader(r)
	}
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return d.IOReadCloser(), nil
}

func digestString(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

// readPiece decompresses the piece's range on its own, as a lazy or partial puller does: the first chunkSize bytes go
// to w; the rest of the range must decompress cleanly, and must be empty when the range is exact.
func readPiece(b *blob, format string, p *piece, w io.Writer) (trailing int64, err error) {
	r, err := openCompressed(format, bufio.NewReaderSize(b.rangeReader(p.offset, p.end), 64<<10))
	if err != nil {
		return 0, fmt.Errorf("range [%d, %d): %v", p.offset, p.end, err)
	}
	defer r.Close()
	if n, err := io.CopyN(w, r, p.chunkSize); err != nil {
		return 0, fmt.Errorf("range [%d, %d) gives %d of %d bytes: %v", p.offset, p.end, n, p.chunkSize, err)
	}
	trailing, err = io.Copy(io.Discard, r)
	if err != nil {
		return 0, fmt.Errorf("the compressed data from %d does not end cleanly at %d: %v", p.offset, p.end, err)
	}
	if p.exactEnd && trailing != 0 {
		return 0, fmt.Errorf("range [%d, %d) (endOffset) holds %d bytes after the piece", p.offset, p.end, trailing)
	}
	return trailing, nil
}

// piecesReport counts what the piece-by-piece reads proved.
type piecesReport struct {
	Verified     int `json:"pieces_verified"`
	FilesHashed  int `json:"file_digests_verified"`
	MultiPiece   int `json:"multi_piece_files"`
	Pieces       int `json:"pieces"`
	RegularFiles int `json:"regular_files"`
}

// checkPieces reads every piece on its own and checks it against its digest, and each file against its digest. For
// zstd:chunked, every piece but a file's last must decompress to exactly its bytes: containers/storage may fetch the
// pieces of a file as one range and cut the output by size, so bytes between them would shift the file.
func checkPieces(b *blob, format string, l *layout, f *findings) piecesReport {
	rep := piecesReport{Pieces: len(l.pieces), RegularFiles: len(l.files)}
	for _, file := range l.files {
		if len(file.pieces) > 1 {
			rep.MultiPiece++
		}
		whole := sha256.New()
		complete := true
		for i, p := range file.pieces {
			if !p.usable {
				complete = false
				continue
			}
			h := sha256.New()
			trailing, err := readPiece(b, format, p, io.MultiWriter(whole, h))
			if err != nil {
				f.fail("file %q piece at %d: %v", file.entry.raw, p.chunkOffset, err)
				complete = false
				continue
			}
			if format == formatZstdChunked && i < len(file.pieces)-1 && trailing != 0 {
				f.fail("file %q piece at %d: %d bytes follow it before the next piece's frame", file.entry.raw, p.chunkOffset, trailing)
			}
			want := p.expectedDigest()
			switch got := digestString(h); {
			case want == "":
				f.fail("file %q piece at %d has no chunkDigest", file.entry.raw, p.chunkOffset)
			case got != want:
				f.fail("file %q piece at %d: its bytes hash to %s, the TOC says %s", file.entry.raw, p.chunkOffset, got, want)
			default:
				rep.Verified++
				continue
			}
			complete = false
		}
		if complete && file.entry.digest != "" {
			if got := digestString(whole); got != file.entry.digest {
				f.fail("file %q: its bytes hash to %s, the TOC says %s", file.entry.raw, got, file.entry.digest)
			} else {
				rep.FilesHashed++
			}
		}
	}
	return rep
}
