// Package nlueval trains an nlu.Trainer and scores it on labeled
// utterances the way Larson et al. (2019) report CLINC150: in-scope accuracy
// over the in-scope test queries, out-of-scope recall as the share of oos
// test queries predicted out of scope (top intent "oos" or no intent), plus
// overall accuracy, macro-F1, per-intent precision/recall/F1, the confusion
// pairs that hurt most, a confidence histogram, training time and parse
// latency, and stratified k-fold cross-validation as `rasa test nlu`.
//
//	train, test, err := nlueval.ReadCLINC(path, nlueval.DefaultTrainSplits, nlueval.DefaultTestSplits)
//	rep, err := nlueval.Evaluate(ctx, trainer, train, test, nlueval.Options{})
package nlueval
