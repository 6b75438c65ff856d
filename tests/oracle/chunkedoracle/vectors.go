package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/containerd/stargz-snapshotter/estargz"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
)

// The golden vectors Debian's packages can make (tests/vectors/README.md): the worked example's tar (Go archive/tar),
// its tar-split (tar-split's disassembler) and an eStargz blob (stargz-snapshotter's Build at gzip 6, one part).
const (
	vectorTar      = "worked-example.tar"
	vectorTarSplit = "worked-example.tar-split.jsonl"
	vectorEStargz  = "worked-example.stargz.estargz"
)

type vectorFile struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// runVectors writes the vectors into DIR and prints their names, sizes and digests.
func runVectors(args []string, stdout io.Writer) int {
	cl, err := parseCommandLine(args, nil, nil, 1)
	if err != nil {
		return usageError(err)
	}
	dir := cl.positional[0]
	tarBytes, err := workedExampleTar()
	if err != nil {
		fmt.Fprintln(os.Stderr, "the worked example's tar:", err)
		return exitFailed
	}
	var tarSplit bytes.Buffer
	if err := disassemble(tarBytes, &tarSplit); err != nil {
		fmt.Fprintln(os.Stderr, "tar-split:", err)
		return exitFailed
	}
	// Build cuts its input into GOMAXPROCS parts; one part makes the bytes independent of the machine.
	runtime.GOMAXPROCS(1)
	built, err := estargz.Build(io.NewSectionReader(bytes.NewReader(tarBytes), 0, int64(len(tarBytes))), estargz.WithCompressionLevel(6))
	if err != nil {
		fmt.Fprintln(os.Stderr, "estargz.Build:", err)
		return exitFailed
	}
	esgz, err := io.ReadAll(built)
	built.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "estargz.Build:", err)
		return exitFailed
	}
	var written []vectorFile
	for _, v := range []struct {
		name string
		data []byte
	}{{vectorTar, tarBytes}, {vectorTarSplit, tarSplit.Bytes()}, {vectorEStargz, esgz}} {
		if err := os.WriteFile(filepath.Join(dir, v.name), v.data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return exitUsage
		}
		sum := sha256.Sum256(v.data)
		written = append(written, vectorFile{v.name, len(v.data), "sha256:" + hex.EncodeToString(sum[:])})
	}
	emit(stdout, map[string]interface{}{"command": "vectors", "files": written,
		"estargz_toc_digest": built.TOCDigest().String(), "estargz_diffid": built.DiffID().String()})
	return exitOK
}

// workedExampleTar is docs/formats.md §1.11's input: a directory, a file with an xattr, a symlink, a hard link and an
// empty file, every mtime 2024-01-02T03:04:05Z.
func workedExampleTar() ([]byte, error) {
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	var out bytes.Buffer
	w := tar.NewWriter(&out)
	entries := []struct {
		header  tar.Header
		content string
	}{
		{tar.Header{Typeflag: tar.TypeDir, Name: "usr/", Mode: 0o755, ModTime: mtime}, ""},
		{tar.Header{Typeflag: tar.TypeReg, Name: "usr/hello.txt", Mode: 0o644, Uid: 1000, Gid: 1000, Size: 6, ModTime: mtime,
			PAXRecords: map[string]string{"SCHILY.xattr.user.comment": "hi"}}, "hello\n"},
		{tar.Header{Typeflag: tar.TypeSymlink, Name: "usr/link", Linkname: "hello.txt", Mode: 0o777, ModTime: mtime}, ""},
		{tar.Header{Typeflag: tar.TypeLink, Name: "usr/hard", Linkname: "usr/hello.txt", Mode: 0o644, Uid: 1000, Gid: 1000, ModTime: mtime}, ""},
		{tar.Header{Typeflag: tar.TypeReg, Name: "usr/empty", Mode: 0o644, ModTime: mtime}, ""},
	}
	for _, e := range entries {
		h := e.header
		if err := w.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, e.content); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// disassemble writes the tar-split JSON lines of a tar, as containers/storage's writer makes them.
func disassemble(tarBytes []byte, out io.Writer) error {
	r, err := asm.NewInputTarStream(bytes.NewReader(tarBytes), storage.NewJSONPacker(out), storage.NewDiscardFilePutter())
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, r)
	return err
}
