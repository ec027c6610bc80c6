// Package nlueval trains an nlu.Trainer and scores it on labeled
// utterances the way Larson et al. (2019) report CLINC150: in-scope accuracy
// over the in-scope test queries, out-of-scope recall as the share of oos
// test queries predicted out of scope (top intent "oos" or no intent), plus
// overall accuracy, macro-F1, per-intent precision/recall/F1, the confusion
// pairs that hurt most, a confidence histogram, training time and parse
// latency, and stratified k-fold cross-validation as `rasa test nlu`.
// With no out-of-scope test queries the oos numbers are n/a (null in JSON).
//
// ReadFile reads CLINC150's JSON splits and the common intent-set formats:
// CSV/TSV (text,intent, or a header naming the columns, such as banking77's
// text,category, or HWU64's scenario;intent;answer), JSONL or a JSON array
// of {text, intent} (MASSIVE's {utt, scenario, intent, partition}),
// {intent: [utterances]}, chatbot intents.json, Rasa nlu.yml and Rasa
// JSON; data errors name the file and line. A split or partition column
// selects rows like CLINC150's splits.
//
//	train, err := nlueval.ReadFile(path, nlueval.DefaultTrainSplits)
//	test, err := nlueval.ReadFile(path, nlueval.DefaultTestSplits)
//	rep, err := nlueval.Evaluate(ctx, trainer, train, test, nlueval.Options{})
package nlueval
