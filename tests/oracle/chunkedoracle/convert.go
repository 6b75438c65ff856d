package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/containerd/stargz-snapshotter/estargz"
	"github.com/containerd/stargz-snapshotter/estargz/zstdchunked"
	"github.com/containers/storage/pkg/chunked/compressor"
	"github.com/klauspost/compress/zstd"
)

// conversion is the JSON line a reference converter prints. elapsed_s and mb_per_s cover the conversion only; the
// post-pass that decompresses the output for its DiffID is timed separately.
type conversion struct {
	Command          string            `json:"command"`
	In               string            `json:"in"`
	Out              string            `json:"out"`
	InSize           int64             `json:"in_size"`
	OutSize          int64             `json:"out_size"`
	Level            string            `json:"level"`
	ChunkSize        int               `json:"chunk_size,omitempty"`
	TOCDigest        string            `json:"toc_digest,omitempty"`
	TOCJSONDigest    string            `json:"toc_json_digest,omitempty"`
	DiffID           string            `json:"diffid"`
	UncompressedSize int64             `json:"uncompressed_size"`
	Annotations      map[string]string `json:"annotations"`
	ElapsedSeconds   float64           `json:"elapsed_s"`
	MBPerSecond      float64           `json:"mb_per_s"`
	Ratio            float64           `json:"ratio"`
	PostPassSeconds  float64           `json:"post_pass_s"`
}

// zstdCompression is stargz-snapshotter's zstdchunked as an estargz.Compression.
type zstdCompression struct {
	*zstdchunked.Compressor
	*zstdchunked.Decompressor
}

// runConvert runs one reference converter from an uncompressed tar to a blob; see usage.
func runConvert(command string, args []string, stdout io.Writer) int {
	cl, err := parseCommandLine(args, []string{"level", "chunk-size"}, nil, 2)
	if err != nil {
		return usageError(err)
	}
	rep := &conversion{Command: command, In: cl.positional[0], Out: cl.positional[1], Annotations: map[string]string{}}
	if s := cl.values["chunk-size"]; s != "" {
		if rep.ChunkSize, err = strconv.Atoi(s); err != nil {
			return usageError(fmt.Errorf("--chunk-size: %v", err))
		}
	}
	in, err := os.Open(rep.In)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	rep.InSize = st.Size()
	out, err := os.Create(rep.Out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	start := time.Now()
	switch command {
	case "convert-cstorage":
		err = convertCStorage(in, out, cl.values["level"], rep)
	default:
		err = convertWithBuild(io.NewSectionReader(in, 0, rep.InSize), out, command == "convert-estargz", cl.values["level"], rep)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", command, err)
		os.Remove(rep.Out)
		return exitFailed
	}
	rep.ElapsedSeconds = time.Since(start).Seconds()
	if fi, err := os.Stat(rep.Out); err == nil {
		rep.OutSize = fi.Size()
	}
	if rep.ElapsedSeconds > 0 {
		rep.MBPerSecond = float64(rep.InSize) / 1e6 / rep.ElapsedSeconds
	}
	if rep.InSize > 0 {
		rep.Ratio = float64(rep.OutSize) / float64(rep.InSize)
	}
	postPass(command, rep)
	emit(stdout, rep)
	return exitOK
}

// convertWithBuild is stargz-snapshotter's estargz.Build: eStargz with gzip (ctr-remote's default level 9), or its
// zstdchunked dialect (klauspost zstd, nativeconverter's default speed). Build splits the input into GOMAXPROCS parts,
// so its bytes depend on the core count.
func convertWithBuild(in *io.SectionReader, out io.Writer, gzipped bool, level string, rep *conversion) error {
	options := []estargz.Option{estargz.WithChunkSize(rep.ChunkSize)}
	if gzipped {
		n := gzip.BestCompression
		if level != "" {
			var err error
			if n, err = strconv.Atoi(level); err != nil {
				return fmt.Errorf("--level %q: %v", level, err)
			}
		}
		rep.Level = fmt.Sprintf("gzip %d", n)
		options = append(options, estargz.WithCompressionLevel(n))
	} else {
		speed := zstd.SpeedDefault
		if level != "" {
			if n, err := strconv.Atoi(level); err == nil {
				speed = zstd.EncoderLevelFromZstd(n)
			} else if ok, named := zstd.EncoderLevelFromString(level); ok {
				speed = named
			} else {
				return fmt.Errorf("--level %q is neither a number nor fastest|default|better|best", level)
			}
		}
		rep.Level = "zstd " + speed.String()
		options = append(options, estargz.WithCompression(&zstdCompression{
			&zstdchunked.Compressor{CompressionLevel: speed, Metadata: rep.Annotations}, new(zstdchunked.Decompressor)}))
	}
	built, err := estargz.Build(in, options...)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	_, err = io.Copy(w, built)
	if err == nil {
		err = w.Flush()
	}
	if cerr := built.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	rep.TOCDigest, rep.DiffID = built.TOCDigest().String(), built.DiffID().String()
	rep.Annotations[annotationEStargzTOCDigest] = rep.TOCDigest
	return nil
}

// convertCStorage is containers/storage 1.43's compressor (the dialect before tar-split: 40-byte footer, old keys;
// default level 10).
func convertCStorage(in io.Reader, out io.Writer, level string, rep *conversion) error {
	var chosen *int
	rep.Level = "zstd 10 (library default)"
	if level != "" {
		n, err := strconv.Atoi(level)
		if err != nil {
			return fmt.Errorf("--level %q: %v", level, err)
		}
		chosen, rep.Level = &n, fmt.Sprintf("zstd %d", n)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	zw, err := compressor.ZstdCompressor(w, rep.Annotations, chosen)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, bufio.NewReaderSize(in, 1<<20)); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return w.Flush()
}

// postPass decompresses the output once (untimed) for its DiffID and length, and reads a c/storage blob's TOC digests.
func postPass(command string, rep *conversion) {
	start := time.Now()
	defer func() { rep.PostPassSeconds = time.Since(start).Seconds() }()
	format := formatZstdChunked
	if command == "convert-estargz" {
		format = formatEStargz
	}
	b, err := openBlob(rep.Out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "post-pass:", err)
		return
	}
	defer b.Close()
	r, err := openCompressed(format, bufio.NewReaderSize(b.rangeReader(0, b.size), 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, "post-pass:", err)
		return
	}
	defer r.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, r)
	if err != nil {
		fmt.Fprintln(os.Stderr, "post-pass:", err)
		return
	}
	diffID := digestString(sum)
	if rep.DiffID != "" && rep.DiffID != diffID {
		fmt.Fprintf(os.Stderr, "%s: the library's DiffID %s differs from the decompressed output's %s\n", command, rep.DiffID, diffID)
	}
	rep.DiffID, rep.UncompressedSize = diffID, n
	if command == "convert-cstorage" {
		if c, err := locate(b, formatZstdChunked, newFindings()); err == nil {
			rep.TOCDigest, rep.TOCJSONDigest = c.ManifestChecksum, c.TOCDigest
		}
		return
	}
	rep.Annotations[annotationUncompressedSize] = strconv.FormatInt(n, 10)
}
