// Package classifier is Veil's embedded intent classifier: no network and
// no downloaded weights. It learns in-process, in seconds, from example
// utterances.
//
// Each utterance is normalised (lowercase, accents folded, digit runs
// collapsed, PII placeholders such as <EMAIL_ADDRESS_1> kept as one
// token) and turned into a sparse TF-IDF vector of word unigrams and
// bigrams, ordered word pairs up to eight words apart and character
// 1–5-grams inside word boundaries. A Crammer-Singer multiclass SVM
// (smoothed hinge) is trained on it with seeded SGD, and a multinomial
// naive Bayes model over the same vectors is blended into its weights
// (Config.NBWeight), which stays one linear model. A softmax over its
// scores, with a temperature fitted on CLINC150's validation split, gives
// the confidences. With a trained "oos" class (examples labeled
// nlu.OutOfScope) an utterance is out of scope when the best in-scope
// intent's score does not beat the oos score by Config.OOSMargin; without
// one, when the best in-scope confidence falls below Config.OOSThreshold.
//
//	c := classifier.New(classifier.DefaultConfig())
//	if err := c.Train(ctx, examples); err != nil { … }
//	res, err := c.Parse(ctx, "where is my order")
//	if res.Top().Name == nlu.OutOfScope { … }
//	err = c.Save(f) // later: c, err = classifier.Load(f)
//
// A Classifier is safe for concurrent Parse calls; Train swaps the model
// atomically when it is done.
package classifier
