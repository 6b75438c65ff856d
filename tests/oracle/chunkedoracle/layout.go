package main

import "sort"

// piece is one run of a regular file's bytes stored from its own offset: the file's first chunk (on the reg entry)
// or a chunk entry. A lazy puller fetches [offset, end) and decompresses chunkSize bytes from its start.
type piece struct {
	entry       *tocEntry
	file        *regularFile
	chunkOffset int64  // where the piece starts in the file
	chunkSize   int64  // its length in the file
	chunkDigest string // as the TOC gives it (may be empty)
	offset      int64  // where its compressed bytes start in the blob
	end         int64  // end of the compressed range read for it
	exactEnd    bool   // end comes from the file's endOffset: the range holds this piece and nothing after it
	usable      bool   // the offset is valid; false once an error about it was reported
}

// regularFile is a non-empty reg entry and its pieces in TOC order.
type regularFile struct {
	entry  *tocEntry
	pieces []*piece
}

// layout is what the TOC says about where the bytes are.
type layout struct {
	entries []*tocEntry // every entry except chunk entries, in TOC order
	files   []*regularFile
	pieces  []*piece
}

// describe checks the TOC's structure (docs/formats.md §1.4–1.5, §3.2–3.3, §3.8): chunk entries follow their file,
// pieces cover each file contiguously, every piece has its own offset inside the data area; and it computes the
// compressed range of each piece the way readers do (up to the next offset, or to endOffset when given).
func describe(toc *parsedTOC, dataEnd int64, f *findings) *layout {
	l := &layout{}
	var current *regularFile
	seenNames := map[string]int{}
	for i := range toc.entries {
		e := &toc.entries[i]
		if e.typ == "chunk" {
			if current == nil {
				f.fail("TOC entry %d is a chunk without a regular file before it", i)
				continue
			}
			if e.raw != "" && e.name != current.entry.name {
				f.fail("TOC entry %d: a chunk named %q follows the file %q", i, e.raw, current.entry.raw)
			}
			size := e.chunkSize
			if size == 0 {
				size = current.entry.size - e.chunkOffset
			}
			current.add(&piece{entry: e, chunkOffset: e.chunkOffset, chunkSize: size, chunkDigest: e.chunkDigest, offset: e.offset})
			continue
		}
		current = nil
		seenNames[e.name]++
		l.entries = append(l.entries, e)
		switch e.typ {
		case "reg":
			if e.size < 0 {
				f.fail("TOC entry %q has a negative size", e.raw)
			}
			if e.size > 0 {
				if e.digest == "" {
					f.warn("TOC entry %q: a regular file without a digest", e.raw)
				}
				current = &regularFile{entry: e}
				size := e.chunkSize
				if size == 0 {
					size = e.size
				}
				current.add(&piece{entry: e, chunkOffset: e.chunkOffset, chunkSize: size, chunkDigest: e.chunkDigest, offset: e.offset})
				l.files = append(l.files, current)
			}
		case "dir", "fifo", "char", "block":
		case "symlink", "hardlink":
			if e.linkName == "" {
				f.fail("TOC entry %q: a %s without linkName", e.raw, e.typ)
			}
		default:
			f.fail("TOC entry %d %q has the unknown type %q", i, e.raw, e.typ)
		}
	}
	for name, n := range seenNames {
		if n > 1 {
			f.warn("the TOC names %q %d times", name, n)
		}
	}
	for _, file := range l.files {
		l.pieces = append(l.pieces, file.pieces...)
		checkCoverage(file, f)
	}
	l.placePieces(dataEnd, f)
	return l
}

func (r *regularFile) add(p *piece) {
	p.file = r
	r.pieces = append(r.pieces, p)
}

// checkCoverage: the pieces of a file start at 0, follow each other without gap or overlap and end at its size.
func checkCoverage(file *regularFile, f *findings) {
	var next int64
	for i, p := range file.pieces {
		if p.chunkOffset != next {
			f.fail("file %q: piece %d starts at %d, expected %d", file.entry.raw, i, p.chunkOffset, next)
		}
		if p.chunkSize <= 0 {
			f.fail("file %q: piece %d has size %d", file.entry.raw, i, p.chunkSize)
		}
		next = p.chunkOffset + p.chunkSize
	}
	if next != file.entry.size {
		f.fail("file %q: its pieces cover %d bytes, its size is %d", file.entry.raw, next, file.entry.size)
	}
}

// placePieces checks offsets and gives each piece its compressed range: up to the next larger offset (or the data
// end), or to the file's endOffset for its last piece when the TOC has one.
func (l *layout) placePieces(dataEnd int64, f *findings) {
	used := map[int64]bool{}
	var offsets []int64
	previous, increasing := int64(-1), true
	for _, p := range l.pieces {
		switch {
		case p.offset <= 0 || p.offset >= dataEnd:
			f.fail("file %q piece at %d: offset %d is outside the data area (0, %d)", p.file.entry.raw, p.chunkOffset, p.offset, dataEnd)
		case used[p.offset]:
			f.fail("file %q piece at %d: offset %d is used twice", p.file.entry.raw, p.chunkOffset, p.offset)
		default:
			p.usable = true
			used[p.offset] = true
			offsets = append(offsets, p.offset)
			if p.offset < previous {
				increasing = false
			}
			previous = p.offset
		}
	}
	if !increasing {
		f.warn("the data offsets do not increase in TOC order")
	}
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })
	nextOffset := func(o int64) int64 {
		if i := sort.Search(len(offsets), func(i int) bool { return offsets[i] > o }); i < len(offsets) {
			return offsets[i]
		}
		return dataEnd
	}
	for _, file := range l.files {
		for i, p := range file.pieces {
			p.end = nextOffset(p.offset)
			last := i == len(file.pieces)-1
			if !last || file.entry.endOffset == 0 || !p.usable {
				continue
			}
			if file.entry.endOffset <= p.offset || file.entry.endOffset > p.end {
				f.fail("file %q: endOffset %d is not in (%d, %d]", file.entry.raw, file.entry.endOffset, p.offset, p.end)
				continue
			}
			p.end, p.exactEnd = file.entry.endOffset, true
		}
	}
}

// expectedDigest is what a piece's bytes must hash to: its chunkDigest, or the file's digest for a file of one piece.
func (p *piece) expectedDigest() string {
	if p.chunkDigest == "" && len(p.file.pieces) == 1 {
		return p.file.entry.digest
	}
	return p.chunkDigest
}
