function [E,dES,d2ES] = crossEntropy(S,C)
% [E,dES,d2ES] = crossEntropy(S,C)
%
% Cross entropy of scores S against class probabilities C, with row-wise
% softmax (helper of softMax and singleLayerNNObjFun):
%
%   E(S,C) = -(1/n) sum_ij C_ij * log( exp(S_ij) / sum_k exp(S_ik) )
%
% computed stably with the log-sum-exp of each row,
% lse_i = smax_i + log(sum_k exp(S_ik - smax_i)), smax_i = max_k S_ik.
% With P = exp(S - lse) (softmax of each row) and c = sum(C,2):
%
%   dES     = (P.*c - C)/n                                (gradient w.r.t. S)
%   d2ES(V) = (c/n) .* (P.*V - P.*sum(P.*V,2))            (Hessian mat-vec)
%
% Inputs:
%   S - scores, n x nc (S = Z*W)
%   C - class probabilities, n x nc (rows sum to 1)
%
% Outputs:
%   E    - cross entropy, scalar
%   dES  - gradient w.r.t. S, n x nc
%   d2ES - @(V) Hessian w.r.t. S times V, V n x nc (or its vec) -> n x nc
%
% Called with no arguments, runs a minimal example.

if nargin==0, runMinimalExample; return; end

n  = size(S,1); nc = size(S,2);
S    = S - max(S,[],2);             % shift each row: exp never overflows
logP = S - log(sum(exp(S),2));      % log softmax = S - lse
E    = -sum(C(:).*logP(:))/n;

P    = exp(logP);                   % softmax of each row
c    = sum(C,2);
dES  = (P.*c - C)/n;
d2ES = @(V) (c/n) .* (P.*reshape(V,n,nc) - P.*sum(P.*reshape(V,n,nc),2));
end

function runMinimalExample
S = [2 1 0; 0 0 0];
C = [1 0 0; 0 1 0];
[E,dES] = crossEntropy(S,C);
fprintf('E = %1.15f (expected (log(1+exp(-1)+exp(-2)) + log(3))/2 = %1.15f)\n', ...
    E, (log(1+exp(-1)+exp(-2)) + log(3))/2);
disp('dES ='); disp(dES);
fprintf('E unchanged when 1000 is added to row 1 of S: %d\n', ...
    crossEntropy(S + [1000;0], C) == E);
end
