package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/containerd/stargz-snapshotter/estargz"
	"github.com/containerd/stargz-snapshotter/estargz/zstdchunked"
)

// container is where a blob keeps its TOC, as its footer says, and the TOC itself.
type container struct {
	Footer            string `json:"footer"`      // estargz-51, estargz-legacy-47, zstdchunked-64, zstdchunked-40
	FooterSize        int64  `json:"footer_size"` // footer payload bytes
	TOCOffset         int64  `json:"toc_offset"`  // first byte of the compressed TOC (after a skippable header)
	TOCCompressedSize int64  `json:"toc_compressed_size"`
	TOCJSONSize       int64  `json:"toc_json_size"`
	TOCDigest         string `json:"toc_digest"`                  // sha256 of the TOC JSON
	ManifestChecksum  string `json:"manifest_checksum,omitempty"` // zstd:chunked: sha256 of the compressed TOC
	DataEnd           int64  `json:"data_end"`                    // end of the data frames/members: start of the TOC frame or member
	TarSplit          *span  `json:"tar_split_span,omitempty"`    // zstd:chunked 64-byte footer only

	decompressor  estargz.Decompressor // what estargz.Open must be given for this footer
	tocCompressed []byte
	tocJSON       []byte
}

// span is a compressed payload located by a footer: offset (after the skippable header), length, decompressed length.
type span struct {
	Offset       int64 `json:"offset"`
	Length       int64 `json:"length"`
	Uncompressed int64 `json:"uncompressed"`
}

func sha256String(p []byte) string {
	h := sha256.Sum256(p)
	return "sha256:" + hex.EncodeToString(h[:])
}

// locate reads the footer of a blob of the given format and the TOC it points at. Problems that still let the TOC be
// read are reported to f; the error is for a blob whose TOC cannot be found at all.
func locate(b *blob, format string, f *findings) (*container, error) {
	var c *container
	var err error
	if format == formatEStargz {
		c, err = locateEStargz(b, f)
	} else {
		c, err = locateZstdChunked(b, f)
	}
	if err != nil {
		return nil, err
	}
	c.TOCDigest = sha256String(c.tocJSON)
	c.TOCJSONSize = int64(len(c.tocJSON))
	return c, nil
}

// locateEStargz tries the 51-byte footer, then the legacy 47-byte one, with stargz-snapshotter's own parsers
// (docs/formats.md §3.4). The TOC member runs from the footer's offset to the footer.
func locateEStargz(b *blob, f *findings) (*container, error) {
	var lastErr error = errors.New("blob too small")
	for _, d := range []interface {
		estargz.Decompressor
		DecompressTOC(io.Reader) (io.ReadCloser, error)
	}{new(estargz.GzipDecompressor), new(estargz.LegacyGzipDecompressor)} {
		size := d.FooterSize()
		if b.size < size {
			continue
		}
		footer, err := b.tail(size)
		if err != nil {
			return nil, err
		}
		_, tocOffset, _, err := d.ParseFooter(footer)
		if err != nil {
			lastErr = err
			continue
		}
		if tocOffset <= 0 || tocOffset >= b.size-size {
			return nil, fmt.Errorf("the footer's TOC offset %d is outside the blob's data (0, %d)", tocOffset, b.size-size)
		}
		c := &container{Footer: fmt.Sprintf("estargz-%d", size), FooterSize: size, TOCOffset: tocOffset,
			TOCCompressedSize: b.size - size - tocOffset, DataEnd: tocOffset, decompressor: d}
		if size != estargz.FooterSize {
			c.Footer = fmt.Sprintf("estargz-legacy-%d", size)
		}
		if c.tocCompressed, err = b.bytesAt(tocOffset, c.TOCCompressedSize); err != nil {
			return nil, err
		}
		r, err := d.DecompressTOC(bytes.NewReader(c.tocCompressed))
		if err != nil {
			return nil, fmt.Errorf("the TOC member at %d: %v", tocOffset, err)
		}
		c.tocJSON, err = io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("the TOC member at %d: %v", tocOffset, err)
		}
		checkTOCMemberHoldsOnlyTheTOC(c.tocCompressed, f)
		return c, nil
	}
	return nil, fmt.Errorf("no eStargz footer (51 or 47 bytes): %v", lastErr)
}

// checkTOCMemberHoldsOnlyTheTOC: the TOC member is a tar of exactly one entry, stargz.index.json, then the end blocks.
func checkTOCMemberHoldsOnlyTheTOC(member []byte, f *findings) {
	gz, err := gzip.NewReader(bytes.NewReader(member))
	if err != nil {
		f.fail("the TOC member is not gzip: %v", err)
		return
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.fail("the TOC member's tar: %v", err)
			return
		}
		names = append(names, h.Name)
	}
	if len(names) != 1 || names[0] != tocTarName {
		f.fail("the TOC member must hold exactly %q; it holds %q", tocTarName, names)
	}
}

// locateZstdChunked reads the footer in the last skippable frame: 64 bytes with "GNUlInUx" (containers/storage
// >= 1.50, with the tar-split's place) or 40 bytes with "GnUlInUx" (older writers) — docs/formats.md §1.8.
func locateZstdChunked(b *blob, f *findings) (*container, error) {
	c := &container{}
	var p []byte
	switch {
	case hasFooter(b, footer64PayloadSize, magicFooter64):
		c.Footer, c.FooterSize, c.decompressor = "zstdchunked-64", footer64PayloadSize, new(footer64Decompressor)
	case hasFooter(b, footer40PayloadSize, magicFooter40):
		c.Footer, c.FooterSize, c.decompressor = "zstdchunked-40", footer40PayloadSize, new(zstdchunked.Decompressor)
	default:
		return nil, errors.New(`no zstd:chunked footer: the last skippable frame holds neither 64 bytes ending in "GNUlInUx" nor 40 bytes ending in "GnUlInUx"`)
	}
	p, _ = b.tail(c.FooterSize)
	field := func(i int) uint64 { return binary.LittleEndian.Uint64(p[8*i : 8*i+8]) }
	tocOffset, tocLength, tocJSONLength, manifestType := field(0), field(1), field(2), field(3)
	if manifestType != manifestTypeCRFS {
		f.fail("the footer's manifest type is %d, not 1 (CRFS)", manifestType)
	}
	if tocOffset < skippableHeaderSize || tocOffset+tocLength > uint64(b.size) {
		return nil, fmt.Errorf("the footer's TOC range [%d, %d) is outside the blob", tocOffset, tocOffset+tocLength)
	}
	c.TOCOffset, c.TOCCompressedSize, c.DataEnd = int64(tocOffset), int64(tocLength), int64(tocOffset)-skippableHeaderSize
	checkSkippableHeader(b, c.TOCOffset, c.TOCCompressedSize, "the TOC", f)
	var err error
	if c.tocCompressed, err = b.bytesAt(c.TOCOffset, c.TOCCompressedSize); err != nil {
		return nil, err
	}
	c.ManifestChecksum = sha256String(c.tocCompressed)
	r, err := new(zstdchunked.Decompressor).DecompressTOC(bytes.NewReader(c.tocCompressed))
	if err != nil {
		return nil, fmt.Errorf("the TOC frame at %d: %v", c.TOCOffset, err)
	}
	c.tocJSON, err = io.ReadAll(r)
	r.Close()
	if err != nil {
		return nil, fmt.Errorf("the TOC frame at %d: %v", c.TOCOffset, err)
	}
	if uint64(len(c.tocJSON)) != tocJSONLength {
		f.fail("the footer says the TOC JSON is %d bytes; it decompresses to %d", tocJSONLength, len(c.tocJSON))
	}
	footerFrame := b.size - c.FooterSize - skippableHeaderSize
	if c.FooterSize == footer40PayloadSize {
		if end := c.TOCOffset + c.TOCCompressedSize; end != footerFrame {
			f.warn("%d bytes between the TOC frame's end %d and the footer frame", footerFrame-end, end)
		}
		return c, nil
	}
	ts := &span{Offset: int64(field(4)), Length: int64(field(5)), Uncompressed: int64(field(6))}
	if ts.Offset < skippableHeaderSize || ts.Offset+ts.Length > b.size {
		f.fail("the footer's tar-split range [%d, %d) is outside the blob", ts.Offset, ts.Offset+ts.Length)
		return c, nil
	}
	c.TarSplit = ts
	checkSkippableHeader(b, ts.Offset, ts.Length, "the tar-split", f)
	if want := c.TOCOffset + c.TOCCompressedSize + skippableHeaderSize; ts.Offset != want {
		f.warn("the tar-split frame's payload starts at %d, not right after the TOC frame (%d)", ts.Offset, want)
	}
	if end := ts.Offset + ts.Length; end != footerFrame {
		f.warn("%d bytes between the tar-split frame's end %d and the footer frame", footerFrame-end, end)
	}
	return c, nil
}

// hasFooter: the blob ends in a skippable frame of exactly size payload bytes whose last 8 bytes are magic.
func hasFooter(b *blob, size int64, magic []byte) bool {
	if b.size < size+skippableHeaderSize {
		return false
	}
	frame, err := b.tail(size + skippableHeaderSize)
	if err != nil {
		return false
	}
	return bytes.Equal(frame[:4], skippableMagic) && int64(binary.LittleEndian.Uint32(frame[4:8])) == size &&
		bytes.Equal(frame[len(frame)-8:], magic)
}

// checkSkippableHeader: the 8 bytes before payloadOffset are a skippable-frame header announcing payloadLength bytes.
func checkSkippableHeader(b *blob, payloadOffset, payloadLength int64, what string, f *findings) {
	h, err := b.bytesAt(payloadOffset-skippableHeaderSize, skippableHeaderSize)
	if err != nil {
		f.fail("%s: %v", what, err)
		return
	}
	if !bytes.Equal(h[:4], skippableMagic) {
		f.fail("%s at %d is not preceded by a skippable-frame header (found % x)", what, payloadOffset, h[:4])
		return
	}
	if n := int64(binary.LittleEndian.Uint32(h[4:])); n != payloadLength {
		f.fail("%s's skippable frame announces %d bytes, the footer %d", what, n, payloadLength)
	}
}

// footer64Decompressor is stargz-snapshotter's zstdchunked.Decompressor with containers/storage's 64-byte footer
// (Debian's stargz-snapshotter 0.12 parses only the 40-byte one). Everything but the footer is the library's.
type footer64Decompressor struct{ zstdchunked.Decompressor }

func (*footer64Decompressor) FooterSize() int64 { return footer64PayloadSize }

func (*footer64Decompressor) ParseFooter(p []byte) (blobPayloadSize, tocOffset, tocSize int64, err error) {
	if len(p) != footer64PayloadSize || !bytes.Equal(p[56:], magicFooter64) {
		return 0, 0, 0, errors.New("not a 64-byte zstd:chunked footer")
	}
	offset := int64(binary.LittleEndian.Uint64(p[0:8]))
	return offset - skippableHeaderSize, offset, int64(binary.LittleEndian.Uint64(p[8:16])), nil
}
