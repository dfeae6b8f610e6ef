function err = courseEELMError(W, Z, C)
% Our helper (not part of the course): the percentage of columns of Z whose most
% likely class under the classifier W (nc x (m+1), its last column the bias) is
% not theirs. As the course's scripts, the class is the largest entry of the
% unshifted exp(S)./sum(exp(S)); for one-hot C this is their
% 100*nnz(abs(C-Cpred))/2/nnz(C).
S = W * [Z; ones(1, size(Z, 2))];
P = exp(S) ./ sum(exp(S), 1);
[~, predicted] = max(P, [], 1);
[~, truth] = max(C, [], 1);
err = 100 * mean(predicted ~= truth);
end
