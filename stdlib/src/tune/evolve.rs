//! Evolutionary search: a population of configurations bred generation by generation.
//!
//! Each generation keeps the better half of the population (elitism: a good configuration
//! is never lost) and fills the rest with children: two parents drawn from the kept half,
//! each dimension taken from either parent (uniform crossover), and each dimension redrawn
//! from the space with probability `max(1 / dimensions, 0.1)` (mutation). All draws come
//! from one seeded RNG, in a fixed order.

use rand_xoshiro::Xoshiro256PlusPlus;

use super::space::{unit, Config, Space};
use crate::ml::folds::below;

/// The next population from the current one ranked best first.
pub fn next_generation(
    space: &Space,
    ranked: &[Config],
    population: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<Config> {
    let keep = population.div_ceil(2).min(ranked.len()).max(1);
    let parents = &ranked[..keep.min(ranked.len())];
    let mut next: Vec<Config> = parents.to_vec();
    if parents.is_empty() {
        return (0..population).map(|_| space.sample(rng)).collect();
    }
    let mutation = (1.0 / space.dims.len().max(1) as f64).max(0.1);
    while next.len() < population {
        let a = &parents[below(rng, parents.len() as u64) as usize];
        let b = &parents[below(rng, parents.len() as u64) as usize];
        let child: Config = space
            .dims
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let from = if unit(rng) < 0.5 { &a[i] } else { &b[i] };
                if unit(rng) < mutation {
                    d.sample(rng)
                } else {
                    from.clone()
                }
            })
            .collect();
        next.push(child);
    }
    next
}
