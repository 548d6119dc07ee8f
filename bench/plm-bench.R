# The same pair regressions in R plm, timed (called by bench/pair-regression.cjs with a CSV path).
suppressPackageStartupMessages({ library(plm); library(sandwich) })
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("integer", "integer", "numeric", "numeric", "numeric"))
pd <- pdata.frame(d, index = c("pair", "date"))
t1 <- system.time({
  m <- plm(y ~ x + xd, data = pd, model = "within", effect = "individual")
  V <- vcovHC(m, method = "arellano", type = "sss", cluster = "group")
})[["elapsed"]]
t2 <- system.time({
  m2 <- plm(y ~ x + xd, data = pd, model = "within", effect = "twoways")
  V2 <- vcovHC(m2, method = "arellano", type = "sss", cluster = "group")
})[["elapsed"]]
cat(sprintf('{"oneWaySeconds":%.4f,"twoWaySeconds":%.4f,"coefX":%.12g,"seX":%.12g,"coefX2":%.12g,"seX2":%.12g}\n',
  t1, t2, coef(m)[["x"]], sqrt(V[1, 1]), coef(m2)[["x"]], sqrt(V2[1, 1])))
