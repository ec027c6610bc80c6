package eval

import "context"

func runGen(ctx context.Context, args []string, env Env) (int, error) {
	return ExitUsage, usagef("todo")
}
func runConversations(ctx context.Context, args []string, env Env) (int, error) {
	return ExitUsage, usagef("todo")
}

type ConversationRunner interface{}
