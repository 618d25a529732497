"""Writes the boundary benchmark's frame: 1,000,000 rows x 20 columns (15 float, 3 int,
2 text), seeded, as CSV. Standard library only."""
import random
import sys

rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(42)
words = ["north", "south", "east", "west", "centre"]
with open(sys.argv[1], "w") as f:
    cols = [f"f{i}" for i in range(15)] + ["i0", "i1", "i2", "s0", "s1"]
    f.write(",".join(cols) + "\n")
    for r in range(rows):
        vals = [f"{rng.random():.6f}" for _ in range(15)]
        vals += [str(rng.randrange(1000)), str(r), str(rng.randrange(7))]
        vals += [rng.choice(words), f"c{rng.randrange(50000)}"]
        f.write(",".join(vals) + "\n")
