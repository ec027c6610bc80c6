package htmlreport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Chromium is where Debian's chromium package installs the browser.
const Chromium = "/usr/bin/chromium"

// ErrNoChromium means the browser is not installed.
var ErrNoChromium = errors.New("chromium not installed at " + Chromium)

func chromiumArgs(profile string, extra ...string) []string {
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile}
	return append(args, extra...)
}

// Render loads the HTML file at path in headless Chromium and returns the
// DOM after rendering (--dump-dom). When screenshot is not "", a PNG of
// the page is written there too. Used by tests to check that reports render
// in a real browser.
func Render(ctx context.Context, path, screenshot string) (string, error) {
	if _, err := os.Stat(Chromium); err != nil {
		return "", ErrNoChromium
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	profile, err := os.MkdirTemp("", "veil-chromium-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(profile)
	out, err := exec.CommandContext(ctx, Chromium, chromiumArgs(profile, "--dump-dom", "file://"+abs)...).Output()
	if err != nil {
		return "", fmt.Errorf("chromium --dump-dom: %w", err)
	}
	if screenshot != "" {
		cmd := exec.CommandContext(ctx, Chromium, chromiumArgs(profile, "--window-size=1280,2000", "--screenshot="+screenshot, "file://"+abs)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("chromium --screenshot: %w: %s", err, b)
		}
	}
	return string(out), nil
}
