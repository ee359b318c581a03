//! The bank's side of a connection: the Berlin Group NextGenPSD2 XS2A client (`client`) and a
//! bank simulator speaking the same contract (`sim`).
