# The same pair regressions in R plm, timed (called by bench/pair-regression.cjs).
# Usage: Rscript bench/plm-bench.R panel.csv oneway|twoways
suppressPackageStartupMessages({ library(plm); library(sandwich) })
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("integer", "integer", "numeric", "numeric", "numeric"))
pd <- pdata.frame(d, index = c("pair", "date"))
effect <- if (args[2] == "twoways") "twoways" else "individual"
t <- system.time({
  m <- plm(y ~ x + xd, data = pd, model = "within", effect = effect)
  V <- vcovHC(m, method = "arellano", type = "sss", cluster = "group")
})[["elapsed"]]
cat(sprintf('{"seconds":%.4f,"coefX":%.12g,"seX":%.12g}\n', t, coef(m)[["x"]], sqrt(V[1, 1])))
