"""The capability index: one scale across benchmarks, fitted as Epoch AI's Capabilities Index is.

Model (Ho et al., "A Rosetta Stone for AI Benchmarks", 2025): the share of benchmark b's tasks that model m
solves is `sigmoid(alpha_b * (C_m - D_b))`, with C_m the model's capability, D_b the benchmark's difficulty and
alpha_b its slope. Single benchmarks saturate and are replaced within a few years; C stays comparable across them.
DESIGN.md, "Capability index", is the contract; every constant below is named there.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import least_squares

CLIP = (0.001, 0.999)
BOUND = 10.0
ALPHA_BOUNDS = (0.1, 10.0)
DEFAULT_MIN_BENCHMARKS = 4
DEFAULT_RIDGE = 0.1
DEFAULT_ANCHORS: Mapping[str, float] = {"gpt-4o": 128.4, "gpt-5": 150.0}
DEFAULT_BOOTSTRAP = 100
START_SEED = 42
BOOTSTRAP_SEED = 12345
CI_PERCENTILES = (5, 95)

# How least_squares reaches the optimum: these settings change its path, not the problem DESIGN defines. "trf" with
# a sparse Jacobian solves each step's trust-region subproblem with lsmr, whose iterations are most of the time:
# x_scale="jac" (each parameter scaled by its Jacobian column's norm) and at most 40 lsmr iterations a step cut the
# bootstrap's time on the reference data by ~40% (README, "Performance").
X_SCALE = "jac"
LSMR_MAXITER = 40
# The central fit converges tightly: with scipy's default tolerances (ftol=xtol=gtol=1e-8, lsmr atol=btol=1e-6) it
# stopped up to 0.015 index points short of the optimum on the reference data; with these, 0.0002 (in ~0.1 s).
CENTRAL_SOLVER = {
    "ftol": 1e-10,
    "xtol": 1e-10,
    "gtol": 1e-10,
    "tr_options": {"atol": 1e-8, "btol": 1e-8, "maxiter": LSMR_MAXITER},
}
# Bootstrap draws start from the central fit and keep scipy's default tolerances: on the reference data their
# intervals are within 0.03 index points of tightly converged draws' (as with scipy's plain defaults before).
DRAW_SOLVER = {"tr_options": {"maxiter": LSMR_MAXITER}}

# One row per (model, benchmark): the score used on the benchmark's default metric, with its benchmark's scale.
OBSERVATION_COLUMNS = ["model", "benchmark", "value", "scale_min", "scale_max", "higher_is_better"]


@dataclass(frozen=True)
class Observations:
    """The fit's input: performance `y` in [0.001, 0.999] of model `model_idx[i]` on benchmark `bench_idx[i]`,
    sorted by model, then benchmark (whatever order the scores came in)."""

    models: np.ndarray  # model slugs, sorted
    benchmarks: np.ndarray  # benchmark slugs, sorted
    model_idx: np.ndarray
    bench_idx: np.ndarray
    y: np.ndarray
    reference: int  # index into `benchmarks` of the benchmark whose alpha is 1 and whose D is 0

    @property
    def size(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class Fit:
    """Raw fitted parameters (C per model, D and alpha per benchmark) after the shift that puts D_ref at 0."""

    obs: Observations
    capability: np.ndarray
    difficulty: np.ndarray
    alpha: np.ndarray
    theta: np.ndarray  # the free parameters as the optimiser saw them (a warm start for bootstrap draws)
    rmse: float


@dataclass(frozen=True)
class Scale:
    """index = offset + slope * C. `anchored` False means the raw scale (offset 0, slope 1)."""

    offset: float = 0.0
    slope: float = 1.0
    anchored: bool = False

    @property
    def name(self) -> str:
        return "anchored" if self.anchored else "raw"


def observations(scores: pd.DataFrame, *, min_benchmarks: int = DEFAULT_MIN_BENCHMARKS) -> Observations | None:
    """The fit's observations out of `scores` (OBSERVATION_COLUMNS), None when nothing is left to fit.

    Performance is `(value - scale_min) / (scale_max - scale_min)` (1 minus that where lower is better), clipped
    to [0.001, 0.999]. Models with fewer than `min_benchmarks` benchmarks are left out, then benchmarks scored by
    fewer than 2 of the remaining models.
    """
    span = scores["scale_max"] - scores["scale_min"]
    y = (scores["value"] - scores["scale_min"]) / span
    y = y.where(scores["higher_is_better"].astype(bool), 1 - y).clip(*CLIP)
    df = pd.DataFrame({"model": scores["model"], "benchmark": scores["benchmark"], "y": y})
    df = df[np.isfinite(df["y"])].drop_duplicates(["model", "benchmark"], keep="last")
    per_model = df.groupby("model")["benchmark"].transform("size")
    df = df[per_model >= min_benchmarks]
    per_benchmark = df.groupby("benchmark")["model"].transform("size")
    df = df[per_benchmark >= 2]
    if df.empty:
        return None
    models, model_idx = np.unique(df["model"].to_numpy(dtype=str), return_inverse=True)
    benchmarks, bench_idx = np.unique(df["benchmark"].to_numpy(dtype=str), return_inverse=True)
    # Canonical order, by model slug then benchmark slug: the fit's sums and the bootstrap's resampling go by
    # position, so rows in database-id order would make the seeded results differ between two databases holding
    # the same scores.
    order = np.lexsort((bench_idx, model_idx))
    model_idx, bench_idx, y = model_idx[order], bench_idx[order], df["y"].to_numpy(dtype=float)[order]
    counts = np.bincount(bench_idx, minlength=len(benchmarks))
    reference = int(np.flatnonzero(counts == counts.max())[0])  # most models; ties: first slug (sorted)
    return Observations(models, benchmarks, model_idx, bench_idx, y, reference)


class _Problem:
    """Residuals and their sparse Jacobian over theta = [C (M), D (B), alpha of every non-reference benchmark]."""

    def __init__(self, obs: Observations, ridge: float, y: np.ndarray | None = None):
        self.obs, self.ridge = obs, ridge
        self.y = obs.y if y is None else y
        self.m, self.b = len(obs.models), len(obs.benchmarks)
        free = np.ones(self.b, dtype=bool)
        free[obs.reference] = False
        self.alpha_col = np.full(self.b, -1)  # column of each benchmark's alpha in theta; -1: fixed at 1
        self.alpha_col[free] = self.m + self.b + np.arange(free.sum())
        self.size = self.m + self.b + int(free.sum())
        n = obs.size
        rows = np.arange(n)
        alpha_cols = self.alpha_col[obs.bench_idx]
        has_alpha = alpha_cols >= 0
        self._rows = np.concatenate([rows, rows, rows[has_alpha], np.full(self.size, n)])
        self._cols = np.concatenate(
            [obs.model_idx, self.m + obs.bench_idx, alpha_cols[has_alpha], np.arange(self.size)]
        )
        self._has_alpha = has_alpha

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        alpha = np.ones(self.b)
        free = self.alpha_col >= 0
        alpha[free] = theta[self.alpha_col[free]]
        return theta[: self.m], theta[self.m : self.m + self.b], alpha

    def _parts(self, theta: np.ndarray):
        c, d, alpha = self.unpack(theta)
        a = alpha[self.obs.bench_idx]
        diff = c[self.obs.model_idx] - d[self.obs.bench_idx]
        s = 1.0 / (1.0 + np.exp(-a * diff))
        return a, diff, s

    def _ridge(self, theta: np.ndarray) -> float:
        return float(np.sqrt(self.ridge * np.dot(theta, theta) / self.size))

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        _, _, s = self._parts(theta)
        return np.append(s - self.y, self._ridge(theta))

    def jacobian(self, theta: np.ndarray) -> sparse.csr_matrix:
        a, diff, s = self._parts(theta)
        ds = s * (1.0 - s)
        r = self._ridge(theta)
        ridge_row = self.ridge * theta / (self.size * r) if r > 0 else np.zeros(self.size)
        data = np.concatenate([ds * a, -ds * a, (ds * diff)[self._has_alpha], ridge_row])
        shape = (self.obs.size + 1, self.size)
        return sparse.csr_matrix((data, (self._rows, self._cols)), shape=shape)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        low = np.full(self.size, -BOUND)
        high = np.full(self.size, BOUND)
        low[self.m + self.b :], high[self.m + self.b :] = ALPHA_BOUNDS
        return low, high

    def solve(self, start: np.ndarray, solver: Mapping) -> np.ndarray:
        low, high = self.bounds()
        result = least_squares(
            self.residuals,
            np.clip(start, low, high),
            jac=self.jacobian,
            bounds=(low, high),
            method="trf",
            x_scale=X_SCALE,
            **solver,  # least_squares copies tr_options: the constants stay as they are
        )
        return result.x


def start(obs: Observations) -> np.ndarray:
    """The seeded start, theta = [C, D, alpha of every non-reference benchmark]: C (models in slug order), then D
    (benchmarks in slug order) from `default_rng(42).normal(0, 0.1)`, every alpha 1."""
    rng = np.random.default_rng(START_SEED)
    c = rng.normal(0, 0.1, len(obs.models))
    d = rng.normal(0, 0.1, len(obs.benchmarks))
    return np.concatenate([c, d, np.ones(len(obs.benchmarks) - 1)])


def fit(obs: Observations, *, ridge: float = DEFAULT_RIDGE) -> Fit:
    """The central fit: least squares from the seeded start, then C and D shifted so that D_ref is 0."""
    problem = _Problem(obs, ridge)
    theta = problem.solve(start(obs), CENTRAL_SOLVER)
    return _shifted(problem, theta)


def resample(obs: Observations, rng: np.random.Generator) -> Observations:
    """One bootstrap sample: every model's own observations drawn with replacement, as many as it has."""
    order = np.argsort(obs.model_idx, kind="stable")  # a no-op in canonical order; any other order works too
    counts = np.bincount(obs.model_idx, minlength=len(obs.models))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    picks = order[np.repeat(first, counts) + rng.integers(0, np.repeat(counts, counts))]
    return Observations(
        obs.models, obs.benchmarks, obs.model_idx[picks], obs.bench_idx[picks], obs.y[picks], obs.reference
    )


def refit(fitted: Fit, sample: Observations, *, ridge: float = DEFAULT_RIDGE) -> Fit:
    """A bootstrap draw: the fit of `sample` (a resample of `fitted.obs`) warm-started from the central fit."""
    problem = _Problem(sample, ridge)
    return _shifted(problem, problem.solve(fitted.theta, DRAW_SOLVER))


def _shifted(problem: _Problem, theta: np.ndarray) -> Fit:
    c, d, alpha = problem.unpack(theta)
    shift = d[problem.obs.reference]
    _, _, s = problem._parts(theta)
    rmse = float(np.sqrt(np.mean((s - problem.y) ** 2)))
    return Fit(problem.obs, c - shift, d - shift, alpha, theta, rmse)


def anchored_scale(fitted: Fit, anchors: Mapping[str, float]) -> Scale:
    """The affine map putting the two anchor models on their values; raw when either is not fitted (or both sit
    at one capability, where no line passes through them)."""
    if len(anchors) != 2:
        return Scale()
    (slug_1, value_1), (slug_2, value_2) = anchors.items()
    where = {slug: i for i, slug in enumerate(fitted.obs.models)}
    if slug_1 not in where or slug_2 not in where:
        return Scale()
    c_1, c_2 = fitted.capability[where[slug_1]], fitted.capability[where[slug_2]]
    if np.isclose(c_1, c_2):
        return Scale()
    slope = (value_2 - value_1) / (c_2 - c_1)
    return Scale(offset=float(value_1 - slope * c_1), slope=float(slope), anchored=True)


def bootstrap_intervals(
    fitted: Fit, anchors: Mapping[str, float], *, ridge: float = DEFAULT_RIDGE, draws: int = DEFAULT_BOOTSTRAP
) -> tuple[np.ndarray, np.ndarray]:
    """90% intervals (5th and 95th percentiles) of every model's index over `draws` refits.

    Each draw resamples every model's own observations with replacement (each model keeps its count), starts
    from the central fit and is re-anchored on its own. Anchor models get NaN (their index is fixed by definition).
    """
    obs = fitted.obs
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    indexes = np.empty((draws, len(obs.models)))
    for k in range(draws):
        drawn = refit(fitted, resample(obs, rng), ridge=ridge)
        scale = anchored_scale(drawn, anchors)
        indexes[k] = scale.offset + scale.slope * drawn.capability
    low, high = np.percentile(indexes, CI_PERCENTILES, axis=0)
    anchor_rows = np.isin(obs.models, list(anchors))
    return np.where(anchor_rows, np.nan, low), np.where(anchor_rows, np.nan, high)


@dataclass(frozen=True)
class CapabilityIndex:
    """The fit's result on its scale: one row per model and per benchmark, and the fit's figures."""

    scale: Scale
    models: pd.DataFrame  # model, index, ci_low, ci_high, benchmarks (how many it was fitted on)
    benchmarks: pd.DataFrame  # benchmark, difficulty, slope, models
    figures: dict  # observations, models, benchmarks, rmse, ridge, reference_benchmark


def capability_index(
    scores: pd.DataFrame,
    *,
    anchors: Mapping[str, float] = DEFAULT_ANCHORS,
    min_benchmarks: int = DEFAULT_MIN_BENCHMARKS,
    ridge: float = DEFAULT_RIDGE,
    bootstrap: int | None = None,
) -> CapabilityIndex | None:
    """The index of every model with enough benchmarks in `scores` (OBSERVATION_COLUMNS), None when there is
    nothing to fit. `bootstrap` draws give 90% intervals; None leaves them out (NaN)."""
    obs = observations(scores, min_benchmarks=min_benchmarks)
    if obs is None:
        return None
    fitted = fit(obs, ridge=ridge)
    scale = anchored_scale(fitted, anchors)
    index = scale.offset + scale.slope * fitted.capability
    low = high = np.full(len(obs.models), np.nan)
    if bootstrap:
        low, high = bootstrap_intervals(fitted, anchors if scale.anchored else {}, ridge=ridge, draws=bootstrap)
    per_model = np.bincount(obs.model_idx, minlength=len(obs.models))
    per_benchmark = np.bincount(obs.bench_idx, minlength=len(obs.benchmarks))
    models = pd.DataFrame(
        {"model": obs.models, "index": index, "ci_low": low, "ci_high": high, "benchmarks": per_model}
    ).sort_values(["index", "model"], ascending=[False, True], kind="stable")
    benchmarks = pd.DataFrame(
        {
            "benchmark": obs.benchmarks,
            "difficulty": scale.offset + scale.slope * fitted.difficulty,
            "slope": fitted.alpha / scale.slope,
            "models": per_benchmark,
        }
    ).sort_values(["difficulty", "benchmark"], kind="stable")
    figures = {
        "observations": obs.size,
        "models": len(obs.models),
        "benchmarks": len(obs.benchmarks),
        "rmse": fitted.rmse,
        "ridge": ridge,
        "reference_benchmark": str(obs.benchmarks[obs.reference]),
    }
    return CapabilityIndex(scale, models.reset_index(drop=True), benchmarks.reset_index(drop=True), figures)
