//! Seeded synthetic MRR data (to do).
