function [trainErr, valErr] = coursePeaksErrors(x, m, paramSL, Y, C, Yv, Cv)
% Our helper (not part of the course): the percentage of points whose most
% likely class under x = [K(:); b; W(:)] (course layout, classifier bias) is
% not theirs, on the training (Y, C) and validation (Yv, Cv) points. As the
% course's scripts, the most likely class is the largest of exp(S)./sum(exp(S))
% (S unshifted: it would overflow for scores beyond 709); for one-hot C the
% error is the course's 100*nnz(abs(C-Cpred))/2/nnz(C). No padarray needed.
nf = size(Y, 1);
nc = size(C, 1);
K = reshape(x(1:m*nf), m, nf);
b = x(m*nf + 1);
W = reshape(x(m*nf+2:end), nc, m + 1);
trainErr = misclassified(W, singleLayer(K, b, Y, paramSL), C);
valErr   = misclassified(W, singleLayer(K, b, Yv, paramSL), Cv);
end

function err = misclassified(W, Z, C)
S = W * [Z; ones(1, size(Z, 2))];       % scores with the classifier bias
P = exp(S) ./ sum(exp(S), 1);           % class probabilities, computed as the course does
[~, predicted] = max(P, [], 1);
[~, truth] = max(C, [], 1);
err = 100 * mean(predicted ~= truth);
end
