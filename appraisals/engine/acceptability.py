"""Rank acceptability: how often each option takes each rank over Monte Carlo samples of
the weights and the panels' scores."""

from __future__ import annotations

import numpy as np

# Monte Carlo chunk: small enough that the draws stay in cache, and a constant so that a seed
# reproduces exactly whatever the sample count.
_CHUNK = 512
_U16 = 65535.0  # largest 16-bit draw
_U8 = 255.0  # largest 8-bit draw


def _acceptability_counts(
    w: np.ndarray,
    low: np.ndarray,
    span: np.ndarray,
    *,
    samples: int,
    seed: int,
    jitter: float,
) -> np.ndarray:
    """Counts (option, rank) over Monte Carlo samples.

    Each sample multiplies every weight by a factor uniform in [1 - jitter, 1 + jitter] and
    draws every cell uniformly between the lowest and highest panel's v (a cell one panel
    scored does not move). Ranking is unchanged by scaling the weights, so samples are not
    renormalised. Ties in a sample go to the first in input order.

    The draws are integers taken straight from the bit generator, because numpy's float
    draws cost more than all the rest of the work: 16 bits for each weight factor, 8 bits
    for each cell (256 evenly spaced levels from the lowest panel's v to the highest, far
    finer than one step of any scale, for half the random bits).
    """
    n_options = low.shape[0]
    active = w > 0  # a zero weight stays zero, so its criterion cannot move a rank
    w32 = w[active].astype(np.float32)
    n_criteria = int(w32.size)
    base = (low[:, active].T).astype(np.float32)  # (criterion, option) for ws @ base
    step = (span[:, active] / _U8).astype(np.float32)  # (option, criterion)
    w_low = w32 * np.float32(1.0 - jitter)
    w_step = w32 * np.float32(2.0 * jitter / _U16)
    bits = np.random.PCG64(seed)
    counts = np.zeros(n_options * n_options, dtype=np.int64)
    positions = np.arange(n_options)
    chunk = min(_CHUNK, samples)
    cells = np.empty((chunk, n_options, n_criteria), dtype=np.float32)
    weights = np.empty((chunk, n_criteria), dtype=np.float32)
    for start in range(0, samples, chunk):
        n = min(chunk, samples - start)
        n_weights, n_cells = n * n_criteria, n * n_options * n_criteria
        # Four 16-bit or eight 8-bit draws per 64-bit output.
        weight_draws = bits.random_raw(-(-n_weights // 4)).view(np.uint16)[:n_weights]
        cell_draws = bits.random_raw(-(-n_cells // 8)).view(np.uint8)[:n_cells]
        ws = weights[:n]
        np.multiply(weight_draws.reshape(n, n_criteria), w_step, out=ws)
        ws += w_low
        x = cells[:n]
        # One pass turns the draws into offsets within each cell's spread.
        np.multiply(cell_draws.reshape(n, n_options, n_criteria), step, out=x)
        values = np.matmul(x, ws[:, :, None])[:, :, 0]
        values += ws @ base
        order = np.argsort(-values, axis=1, kind="stable")
        counts += np.bincount((order * n_options + positions).ravel(), minlength=counts.size)
    return counts.reshape(n_options, n_options)
