package main

import (
	"archive/tar"
	"fmt"
	"strings"
	"time"
)

// meta is what the checks compare between the TOC, the decompressed stream and the original tar for one entry.
type meta struct {
	name       string // cleaned
	raw        string
	typ        string // a TOC type, or "tar-typeflag-…" for a typeflag the formats cannot carry
	mode       int64
	uid, gid   int
	uname      string
	gname      string
	modTime    time.Time
	hasModTime bool
	linkName   string
	size       int64 // regular files only
	devMajor   int64
	devMinor   int64
	xattrs     map[string]string
	digest     string // sha256 of the content; "" when empty or unknown
}

// tarTypes maps the seven typeflags the lazy-pull formats carry (docs/formats.md §1.5) to their TOC types.
var tarTypes = map[byte]string{
	tar.TypeReg: "reg", tar.TypeRegA: "reg", tar.TypeLink: "hardlink", tar.TypeSymlink: "symlink",
	tar.TypeChar: "char", tar.TypeBlock: "block", tar.TypeDir: "dir", tar.TypeFifo: "fifo",
}

func metaOfHeader(h *tar.Header) *meta {
	typ, ok := tarTypes[h.Typeflag]
	if !ok {
		typ = fmt.Sprintf("tar-typeflag-%q", h.Typeflag)
	}
	m := &meta{name: cleanName(h.Name), raw: h.Name, typ: typ, mode: h.Mode, uid: h.Uid, gid: h.Gid, uname: h.Uname,
		gname: h.Gname, linkName: h.Linkname, devMajor: h.Devmajor, devMinor: h.Devminor}
	if typ == "reg" {
		m.size = h.Size
	}
	if presentTime(h.ModTime) {
		m.modTime, m.hasModTime = h.ModTime, true
	}
	for k, v := range h.PAXRecords {
		if name := strings.TrimPrefix(k, "SCHILY.xattr."); name != k {
			if m.xattrs == nil {
				m.xattrs = map[string]string{}
			}
			m.xattrs[name] = v
		}
	}
	return m
}

// metaOfTOC turns non-chunk TOC entries into metas. eStargz writers name a uid's or gid's user or group only when it
// changes, so names are carried forward per id as stargz-snapshotter's reader does.
func metaOfTOC(entries []*tocEntry) []*meta {
	users, groups := map[int]string{}, map[int]string{}
	out := make([]*meta, 0, len(entries))
	for _, e := range entries {
		if e.uname != "" {
			users[e.uid] = e.uname
		}
		if e.gname != "" {
			groups[e.gid] = e.gname
		}
		m := &meta{name: e.name, raw: e.raw, typ: e.typ, mode: e.mode, uid: e.uid, gid: e.gid, uname: users[e.uid],
			gname: groups[e.gid], modTime: e.modTime, hasModTime: e.hasModTime, linkName: e.linkName, devMajor: e.devMajor,
			devMinor: e.devMinor, xattrs: e.xattrs}
		if e.typ == "reg" {
			m.size, m.digest = e.size, e.digest
		}
		out = append(out, m)
	}
	return out
}

// differences lists how got differs from want under the readers' rules: times to the second (eStargz TOCs round
// them), hard-link targets cleaned, user and group names only when both sides have one. subSecond reports times that
// agree to the second but not below it.
func differences(want, got *meta) (diffs []string, subSecond bool) {
	if want.typ != got.typ {
		return []string{fmt.Sprintf("type %s != %s", want.typ, got.typ)}, false
	}
	if want.mode != got.mode {
		diffs = append(diffs, fmt.Sprintf("mode %o != %o", want.mode, got.mode))
	}
	if want.uid != got.uid || want.gid != got.gid {
		diffs = append(diffs, fmt.Sprintf("uid/gid %d/%d != %d/%d", want.uid, want.gid, got.uid, got.gid))
	}
	if want.uname != "" && got.uname != "" && want.uname != got.uname {
		diffs = append(diffs, fmt.Sprintf("user name %q != %q", want.uname, got.uname))
	}
	if want.gname != "" && got.gname != "" && want.gname != got.gname {
		diffs = append(diffs, fmt.Sprintf("group name %q != %q", want.gname, got.gname))
	}
	if want.hasModTime != got.hasModTime {
		diffs = append(diffs, fmt.Sprintf("mtime %s != %s", timeText(want), timeText(got)))
	} else if want.hasModTime {
		d := want.modTime.Sub(got.modTime)
		if d < 0 {
			d = -d
		}
		if d >= time.Second {
			diffs = append(diffs, fmt.Sprintf("mtime %s != %s", timeText(want), timeText(got)))
		} else if d != 0 {
			subSecond = true
		}
	}
	switch want.typ {
	case "symlink":
		if want.linkName != got.linkName {
			diffs = append(diffs, fmt.Sprintf("link target %q != %q", want.linkName, got.linkName))
		}
	case "hardlink":
		if cleanName(want.linkName) != cleanName(got.linkName) {
			diffs = append(diffs, fmt.Sprintf("link target %q != %q", want.linkName, got.linkName))
		}
	case "char", "block":
		if want.devMajor != got.devMajor || want.devMinor != got.devMinor {
			diffs = append(diffs, fmt.Sprintf("device %d,%d != %d,%d", want.devMajor, want.devMinor, got.devMajor, got.devMinor))
		}
	case "reg":
		if want.size != got.size {
			diffs = append(diffs, fmt.Sprintf("size %d != %d", want.size, got.size))
		} else if want.size > 0 && want.digest != "" && got.digest != "" && want.digest != got.digest {
			diffs = append(diffs, fmt.Sprintf("content %s != %s", want.digest, got.digest))
		}
	}
	if !sameStrings(want.xattrs, got.xattrs) {
		diffs = append(diffs, fmt.Sprintf("xattrs %q != %q", want.xattrs, got.xattrs))
	}
	return diffs, subSecond
}

func timeText(m *meta) string {
	if !m.hasModTime {
		return "<none>"
	}
	return m.modTime.UTC().Format(time.RFC3339Nano)
}

func sameStrings(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// byName queues metas per cleaned name, so duplicates pair up in order.
type byName map[string][]*meta

func queue(ms []*meta) byName {
	q := byName{}
	for _, m := range ms {
		q[m.name] = append(q[m.name], m)
	}
	return q
}

func (q byName) take(name string) *meta {
	l := q[name]
	if len(l) == 0 {
		return nil
	}
	q[name] = l[1:]
	return l[0]
}

// rest is every meta not taken, in name order of the queue's iteration (callers only count or report them).
func (q byName) rest() []*meta {
	var out []*meta
	for _, l := range q {
		out = append(out, l...)
	}
	return out
}
