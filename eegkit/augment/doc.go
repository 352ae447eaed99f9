// Package augment is data augmentation for EEG trials: braindecode 1.8's
// transforms (braindecode.augmentation), with its definitions and
// parameters, plus a random time shift and a left/right mirror for motor
// imagery. Each transform changes a trial with its probability P, drawing
// from the run's augmentation stream (seeded from the run's seed and saved in
// checkpoints by package train, so a resumed run draws what an uninterrupted
// one would). A Pipeline is a list of transforms applied in order; it is the
// train.BatchTransform a Fit takes, and Parse builds one from a small
// grammar:
//
//	spec   = item { "," item }
//	item   = name [ ":" value [ ":" p ] ]
//
// with p the probability of each trial (default 0.5) and value the
// transform's own parameter:
//
//	timereverse[:p]          TimeReverse: x(t) ↦ x(T−1−t)
//	signflip[:p]             SignFlip: x ↦ −x
//	ftsurrogate[:p]          FTSurrogate: every frequency's phase shifted by 2π·U(0,1), magnitudes kept
//	smoothtimemask:LEN[:p]   SmoothTimeMask: a window of LEN samples (or "0.5s") faded to zero by sigmoids
//	bandstop:WIDTH[:p]       BandstopFilter: a WIDTH-Hz band around a random frequency removed
//	freqshift:MAXHZ[:p]      FrequencyShift: the spectrum shifted by Δf ~ U(−MAXHZ, MAXHZ)
//	noise:STD[:p]            GaussianNoise: x + STD·N(0, 1)
//	scale:LO-HI[:p]          AmplitudeScale: each channel times U(LO, HI)
//	chandropout:PDROP[:p]    ChannelsDropout: each channel zeroed with probability PDROP
//	chanshuffle:PSHUF[:p]    ChannelsShuffle: a random subset of channels (each with probability PSHUF) permuted
//	symmetry[:p]             ChannelsSymmetry: left and right electrodes swapped (C3 ↔ C4), label kept
//	mirror[:p]               Mirror: left and right electrodes swapped and the left/right hand label flipped
//	timeshift:MAX[:p]        TimeShift: the trial shifted by up to MAX samples (or "0.2s"), zeros shifted in
//	mixup:ALPHA              Mixup: x_i ↦ λx_i + (1−λ)x_j, label weights λ and 1−λ, λ ~ Beta(ALPHA, ALPHA)
//
// e.g. "timeshift:0.2s,noise:0.1,mirror:0.5".
//
// Why Mirror next to braindecode's ChannelsSymmetry: swapping the hemispheres
// of a left-hand imagery trial makes it look like a right-hand one (the mu
// desynchronisation moves from C4 to C3), so for lateralised motor imagery the
// label must flip with the channels. ChannelsSymmetry keeps the label, which
// is right where the class does not depend on the side (sleep staging, say)
// and teaches a left/right classifier the opposite of the truth.
//
// Where eegkit differs from braindecode: BandstopFilter removes the band with
// an ideal FFT filter where braindecode calls MNE's FIR notch filter, and
// ChannelsDropout and ChannelsShuffle draw their channels with eegkit's own
// random stream. The other transforms are braindecode's operations exactly
// (checked against braindecode's functions on fixed draws, within 1e-5).
package augment
