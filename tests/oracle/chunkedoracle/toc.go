package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/containerd/stargz-snapshotter/estargz"
	"github.com/containers/storage/pkg/chunked/cstoragetoc"
)

// tocEntry is one TOC entry, decoded with its format's own library type (stargz-snapshotter's estargz.TOCEntry or
// containers/storage's FileMetadata) and brought into one shape for the checks.
type tocEntry struct {
	index        int
	raw          string // the name as written
	name         string // cleaned as readers clean it
	typ          string
	size         int64
	mode         int64
	uid, gid     int
	uname, gname string
	linkName     string
	devMajor     int64
	devMinor     int64
	modTime      time.Time
	hasModTime   bool
	accessTime   *time.Time
	changeTime   *time.Time
	xattrs       map[string]string // name → raw value bytes
	digest       string
	offset       int64
	endOffset    int64
	chunkOffset  int64
	chunkSize    int64
	chunkDigest  string
	chunkType    string
}

// parsedTOC is a decoded TOC.
type parsedTOC struct {
	version        int
	entries        []tocEntry
	tarSplitDigest string
	cstorage       *cstoragetoc.TOC // zstd:chunked: the TOC exactly as containers/storage's types hold it
}

// cleanName is the name as readers compare it: clean("/" + name) without the leading '/'.
func cleanName(name string) string { return strings.TrimPrefix(path.Clean("/"+name), "/") }

// presentTime: readers treat a missing time, Go's zero time and the Unix epoch alike.
func presentTime(t time.Time) bool { return !t.IsZero() && t.Unix() != 0 }

func decodeTOC(format string, raw []byte, f *findings) (*parsedTOC, error) {
	checkTOCKeys(format, raw, f)
	if format == formatEStargz {
		return decodeEStargzTOC(raw, f)
	}
	return decodeZstdChunkedTOC(raw)
}

func decodeEStargzTOC(raw []byte, f *findings) (*parsedTOC, error) {
	var toc estargz.JTOC
	if err := json.Unmarshal(raw, &toc); err != nil {
		return nil, fmt.Errorf("the TOC JSON: %v", err)
	}
	p := &parsedTOC{version: toc.Version}
	for i, e := range toc.Entries {
		t := tocEntry{index: i, raw: e.Name, name: cleanName(e.Name), typ: e.Type, size: e.Size, mode: e.Mode, uid: e.UID,
			gid: e.GID, uname: e.Uname, gname: e.Gname, linkName: e.LinkName, devMajor: int64(e.DevMajor),
			devMinor: int64(e.DevMinor), digest: e.Digest, offset: e.Offset, chunkOffset: e.ChunkOffset,
			chunkSize: e.ChunkSize, chunkDigest: e.ChunkDigest}
		if e.ModTime3339 != "" {
			m, err := time.Parse(time.RFC3339Nano, e.ModTime3339)
			if err != nil {
				f.fail("TOC entry %q: modtime %q is not RFC 3339: %v", e.Name, e.ModTime3339, err)
			} else if presentTime(m) {
				t.modTime, t.hasModTime = m, true
			}
		}
		if len(e.Xattrs) > 0 {
			t.xattrs = map[string]string{}
			for k, v := range e.Xattrs {
				t.xattrs[k] = string(v)
			}
		}
		p.entries = append(p.entries, t)
	}
	return p, nil
}

func decodeZstdChunkedTOC(raw []byte) (*parsedTOC, error) {
	var toc cstoragetoc.TOC
	if err := json.Unmarshal(raw, &toc); err != nil {
		return nil, fmt.Errorf("the TOC JSON: %v", err)
	}
	p := &parsedTOC{version: toc.Version, tarSplitDigest: toc.TarSplitDigest, cstorage: &toc}
	for i, e := range toc.Entries {
		t := tocEntry{index: i, raw: e.Name, name: cleanName(e.Name), typ: e.Type, size: e.Size, mode: e.Mode, uid: e.UID,
			gid: e.GID, linkName: e.Linkname, devMajor: e.Devmajor, devMinor: e.Devminor, accessTime: e.AccessTime,
			changeTime: e.ChangeTime, digest: e.Digest, offset: e.Offset, endOffset: e.EndOffset, chunkOffset: e.ChunkOffset,
			chunkSize: e.ChunkSize, chunkDigest: e.ChunkDigest, chunkType: e.ChunkType}
		if e.ModTime != nil && presentTime(*e.ModTime) {
			t.modTime, t.hasModTime = *e.ModTime, true
		}
		if len(e.Xattrs) > 0 {
			t.xattrs = map[string]string{}
			for k, v := range e.Xattrs {
				value, err := base64.StdEncoding.DecodeString(v)
				if err != nil {
					return nil, fmt.Errorf("TOC entry %q: xattr %q is not base64: %v", e.Name, k, err)
				}
				t.xattrs[k] = string(value)
			}
		}
		p.entries = append(p.entries, t)
	}
	return p, nil
}

// checkTOCKeys warns about keys the format's library type does not declare. Go's JSON decoder matches keys without
// regard to case, so a misspelt key would otherwise pass here and fail in a stricter reader.
func checkTOCKeys(format string, raw []byte, f *findings) {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return // decodeTOC reports it
	}
	known := map[string]bool{"version": true, "entries": true}
	entryType := reflect.TypeOf(estargz.TOCEntry{})
	if format == formatZstdChunked {
		known["tarSplitDigest"] = true
		entryType = reflect.TypeOf(cstoragetoc.FileMetadata{})
	}
	for k := range top {
		if !known[k] {
			f.warn("the TOC has an unknown top-level key %q", k)
		}
	}
	var entries []map[string]json.RawMessage
	if json.Unmarshal(top["entries"], &entries) != nil {
		return
	}
	declared := jsonKeys(entryType)
	unknown := map[string]int{}
	for _, e := range entries {
		for k := range e {
			if !declared[k] {
				unknown[k]++
			}
		}
	}
	keys := make([]string, 0, len(unknown))
	for k := range unknown {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.warn("%d TOC entries have the key %q, which %s does not declare", unknown[k], k, entryType)
	}
}

// jsonKeys are the JSON names of a struct's serialized fields.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if tag != "" && tag != "-" {
			keys[tag] = true
		}
	}
	return keys
}
