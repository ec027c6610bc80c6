package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/pipeline"
)

// defaultChatUser is a UK number from Ofcom's range reserved for drama.
const defaultChatUser = "447700900123"

func cmdChat(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	var user string
	_, cfg, log, err := setup("chat", args, io, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&user, "user", defaultChatUser, "simulated WhatsApp user (phone number in international format)")
	})
	if err != nil {
		return err
	}
	digits := strings.TrimPrefix(strings.TrimSpace(user), "+")
	if _, err := strconv.ParseUint(digits, 10, 64); err != nil || len(digits) < 8 || len(digits) > 15 {
		return usageError{fmt.Errorf("--user %q: want a phone number in international format, e.g. +447700900123", user)}
	}
	a, err := openApp(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Start(ctx, 0); err != nil {
		return err
	}
	interactive := isTerminal(io.in)
	if interactive {
		fmt.Fprintf(io.out, "Veil chat as +%s (store: %s). Type a message; numbers press buttons; Ctrl-D quits.\n", digits, storeName(cfg.DatabaseURL, cfg.DataDir))
	}
	session := chatSession{app: a, user: digits, out: io.out, prefix: randomHex(6)}
	return session.loop(ctx, io.in, interactive)
}

type chatSession struct {
	app     *app.App
	user    string
	out     io.Writer
	prefix  string
	n       int
	buttons []pipeline.Button // buttons of the last reply block
}

func (s *chatSession) loop(ctx context.Context, in io.Reader, interactive bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		if interactive {
			fmt.Fprint(s.out, "you> ")
		}
		if !sc.Scan() {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" && interactive {
			continue
		}
		if err := s.send(ctx, line); err != nil {
			return err
		}
	}
	if interactive {
		fmt.Fprintln(s.out)
	}
	return sc.Err()
}

// send turns one typed line into a message (or a button press) and
// prints the reply block.
func (s *chatSession) send(ctx context.Context, line string) error {
	s.n++
	in := app.Inbound{
		ID:        fmt.Sprintf("chat.%s.%d", s.prefix, s.n),
		From:      s.user,
		Kind:      pipeline.KindText,
		Text:      line,
		Timestamp: time.Now().UTC(),
	}
	if b, ok := s.pressed(line); ok {
		in.Kind, in.ButtonID, in.Text = pipeline.KindButton, b.ID, b.Title
	}
	replies, err := s.app.Converse(ctx, in)
	if err != nil && len(replies) == 0 {
		return err
	}
	s.buttons = nil
	if len(replies) == 0 {
		fmt.Fprintln(s.out, "bot> (no reply)")
	}
	for _, r := range replies {
		for i, l := range strings.Split(r.Text, "\n") {
			if i == 0 {
				fmt.Fprintln(s.out, "bot> "+l)
			} else {
				fmt.Fprintln(s.out, "     "+l)
			}
		}
		for _, b := range r.Buttons {
			s.buttons = append(s.buttons, b)
			fmt.Fprintf(s.out, "     [%d] %s\n", len(s.buttons), b.Title)
		}
	}
	fmt.Fprintln(s.out)
	return nil
}

// pressed maps "2" or a button's title to the button of the last block.
func (s *chatSession) pressed(line string) (pipeline.Button, bool) {
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(s.buttons) {
		return s.buttons[n-1], true
	}
	for _, b := range s.buttons {
		if strings.EqualFold(strings.TrimSpace(line), b.Title) {
			return b, true
		}
	}
	return pipeline.Button{}, false
}

func storeName(dbURL, dataDir string) string {
	if dbURL != "" {
		return "PostgreSQL"
	}
	return "embedded, " + dataDir
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
