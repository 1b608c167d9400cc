"""The bow objective of `dq-bench bow` (mean log-loss + ||W||^2/(2n), intercept free) minimised
with scipy L-BFGS-B as scikit-learn calls it (maxls 50, ftol 64 eps), on the first ROWS rows of a
CSV; prints iterations, evaluations and the objective after chosen iterations, to compare with
dq-bench bow CSV TOLERANCE ROWS. Usage: python lbfgs_path_peer.py CSV [TOLERANCE [ROWS]]"""
import sys, time, numpy as np, pandas as pd
from scipy import optimize
from sklearn.feature_extraction.text import HashingVectorizer
tolerance = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-6
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 80000
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).iloc[:rows]
labels = sorted(frame["label"].unique())
y = frame["label"].map({l: i for i, l in enumerate(labels)}).to_numpy()
X = HashingVectorizer(n_features=2 ** 20, ngram_range=(1, 2), alternate_sign=True, norm="l2").transform(frame["text"]).tocsr()
n, d = X.shape; K = len(labels)
Y = np.zeros((n, K)); Y[np.arange(n), y] = 1
lam = 1.0 / n
XT = X.T.tocsr()
def fg(theta):
    W = theta[:d*K].reshape(d, K); b = theta[d*K:]
    Z = X @ W + b
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z); S = P.sum(axis=1, keepdims=True); P /= S
    loss = -np.mean(np.log(P[np.arange(n), y])) + lam / 2 * np.sum(W * W)
    R = (P - Y) / n
    gW = XT @ R + lam * W
    return loss, np.concatenate([gW.ravel(), R.sum(axis=0)])
trace = []
def cb(intermediate_result):
    trace.append(intermediate_result.fun)
t = time.perf_counter()
res = optimize.minimize(fg, np.zeros(d*K+K), method="L-BFGS-B", jac=True, callback=cb,
    options={"maxiter": 1000, "maxls": 50, "gtol": tolerance, "ftol": 64*np.finfo(float).eps})
print("nit", res.nit, "nfev", res.nfev, "f", res.fun, "seconds", time.perf_counter() - t, res.message)
for i in [1, 20, 50, 80, 100, 117, 120, 150]:
    if i <= len(trace): print(i, trace[i-1])
