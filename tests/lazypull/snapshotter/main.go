// Command chunkedbuild-stargz serves stargz-snapshotter's lazy-pulling filesystem (Debian's
// golang-github-containerd-stargz-snapshotter-dev: fs, fs/source, snapshot) as a containerd proxy snapshotter on a
// unix socket, for ChunkedBuild's lazy-start tests and bench. Bookworm does not package the upstream main
// (containerd-stargz-grpc), and its service package does not compile there, so this is the smallest main over the
// library: the filesystem the upstream daemon mounts, the snapshotter it wraps it in, the snapshots gRPC API.
//
// Every line it logs is a logrus JSON object on stderr. Besides the library's own lines ("verified", the
// prefetch_total metric with prefetch_size, "failed to prefetch layer=…"), it logs one line per remote mount:
// {"msg":"chunkedbuild mount","layer":"sha256:…","toc_digest":"sha256:…","mountpoint":"…","error":"…"}, so a
// reader can tie the library's mountpoint-keyed lines to layer digests.
package main

import (
	"context"
	"flag"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/BurntSushi/toml"
	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/contrib/snapshotservice"
	"github.com/containerd/containerd/log"
	"github.com/containerd/containerd/reference"
	"github.com/containerd/containerd/remotes/docker"
	"github.com/containerd/stargz-snapshotter/estargz"
	stargzfs "github.com/containerd/stargz-snapshotter/fs"
	fsconfig "github.com/containerd/stargz-snapshotter/fs/config"
	"github.com/containerd/stargz-snapshotter/fs/source"
	"github.com/containerd/stargz-snapshotter/snapshot"
	fusefs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"github.com/sirupsen/logrus"
	"google.golang.org/grpc"
)

// The label containerd's remote-snapshot handlers put the layer digest in (fs/source's targetDigestLabel).
const layerDigestLabel = "containerd.io/snapshot/remote/stargz.digest"

func main() {
	address := flag.String("address", "", "unix socket to serve the snapshots API on (required)")
	configFile := flag.String("config", "", "a TOML file of stargz-snapshotter's fs settings, as in the upstream daemon's config.toml (prefetch_timeout_sec, [fuse], [blob], …); the flags below override it")
	root := flag.String("root", "", "state folder: snapshots, FUSE caches (required)")
	noPrefetch := flag.Bool("no-prefetch", false, "do not prefetch the prioritized files (fs/config noprefetch)")
	noBackgroundFetch := flag.Bool("no-background-fetch", false, "do not fetch the rest of each layer after the mount (no_background_fetch)")
	prefetchTimeout := flag.Int64("prefetch-timeout-sec", 0, "how long a container start waits for a layer's prefetch (0: the library's default)")
	probeFuse := flag.String("probe-fuse", "", "only mount an empty FUSE filesystem on this folder, unmount it and exit (0: FUSE mounts work here)")
	flag.Parse()
	if *probeFuse != "" {
		if err := probe(*probeFuse); err != nil {
			fmt.Fprintln(os.Stderr, "FUSE mount failed:", err)
			os.Exit(1)
		}
		return
	}
	if *address == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "usage: chunkedbuild-stargz -address SOCKET -root DIR [-config TOML] [-no-prefetch] [-no-background-fetch] [-prefetch-timeout-sec N] | -probe-fuse DIR")
		os.Exit(2)
	}
	logrus.SetFormatter(&logrus.JSONFormatter{TimestampFormat: "2006-01-02T15:04:05.000000000Z07:00"})
	logrus.SetLevel(logrus.DebugLevel)
	logrus.SetOutput(os.Stderr)
	// go-fuse's debug lines (config "debug = true": one per FUSE request) go through the standard logger: give them
	// microseconds so a reader can place the first reads of a container start.
	stdlog.SetFlags(stdlog.LstdFlags | stdlog.Lmicroseconds)
	var cfg fsconfig.Config
	if *configFile != "" {
		if _, err := toml.DecodeFile(*configFile, &cfg); err != nil {
			fmt.Fprintln(os.Stderr, "config:", err)
			os.Exit(2)
		}
	}
	cfg.NoPrefetch = cfg.NoPrefetch || *noPrefetch
	cfg.NoBackgroundFetch = cfg.NoBackgroundFetch || *noBackgroundFetch
	if *prefetchTimeout != 0 {
		cfg.PrefetchTimeoutSec = *prefetchTimeout
	}
	cfg.NoPrometheus = true
	if err := serve(*address, *root, cfg); err != nil {
		logrus.WithError(err).Error("chunkedbuild-stargz failed")
		os.Exit(1)
	}
}

func serve(address, root string, cfg fsconfig.Config) error {
	ctx := log.WithLogger(context.Background(), logrus.NewEntry(logrus.StandardLogger()))
	fs, err := stargzfs.NewFilesystem(filepath.Join(root, "stargz"), cfg, stargzfs.WithGetSources(source.FromDefaultLabels(registryHosts)))
	if err != nil {
		return fmt.Errorf("filesystem: %w", err)
	}
	snapshotter, err := snapshot.NewSnapshotter(ctx, filepath.Join(root, "snapshotter"), loggedMounts{fs}, snapshot.AsynchronousRemove)
	if err != nil {
		return fmt.Errorf("snapshotter: %w", err)
	}
	defer snapshotter.Close()

	if err := os.MkdirAll(filepath.Dir(address), 0o700); err != nil {
		return err
	}
	if err := os.Remove(address); err != nil && !os.IsNotExist(err) {
		return err
	}
	listener, err := net.Listen("unix", address)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", address, err)
	}
	server := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(server, snapshotservice.FromSnapshotter(snapshotter))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		server.Stop()
	}()
	logrus.WithField("address", address).Info("chunkedbuild-stargz serving")
	return server.Serve(listener)
}

// probe mounts an empty FUSE filesystem the way the library mounts layers (a direct mount, as root) and unmounts it.
func probe(dir string) error {
	server, err := fusefs.Mount(dir, &fusefs.Inode{}, &fusefs.Options{MountOptions: fuse.MountOptions{DirectMount: true, FsName: "chunkedbuild-probe"}})
	if err != nil {
		return err
	}
	return server.Unmount()
}

// registryHosts says how to reach the registry of a layer's image reference: plain HTTP for loopback hosts (the tests'
// and the bench's registries on 127.0.0.1), HTTPS elsewhere, no credentials. The library's fetcher needs a client with
// a transport (the upstream daemon builds a retrying one in its resolver package, which bookworm cannot compile).
func registryHosts(ref reference.Spec) ([]docker.RegistryHost, error) {
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	return docker.ConfigureDefaultRegistries(docker.WithPlainHTTP(docker.MatchLocalhost), docker.WithClient(client))(ref.Hostname())
}

// loggedMounts is the library filesystem with one line logged per remote mount, naming the layer digest and the TOC
// digest containerd passed (the manifest's containerd.io/snapshot/stargz/toc.digest annotation), and the outcome.
type loggedMounts struct {
	snapshot.FileSystem
}

func (m loggedMounts) Mount(ctx context.Context, mountpoint string, labels map[string]string) error {
	err := m.FileSystem.Mount(ctx, mountpoint, labels)
	entry := logrus.WithFields(logrus.Fields{
		"layer":      labels[layerDigestLabel],
		"toc_digest": labels[estargz.TOCJSONDigestAnnotation],
		"mountpoint": mountpoint,
	})
	if err != nil {
		entry.WithError(err).Info("chunkedbuild mount")
	} else {
		entry.Info("chunkedbuild mount")
	}
	return err
}
