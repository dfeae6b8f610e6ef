function [E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)
% [E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)
%
% Cross entropy of the linear classifier S = Z*W (softmax of each row),
%
%   E(W,Z) = E(Z*W, C),    E(S,C) = -(1/n) sum_ij C_ij log(exp(S_ij)/sum_k exp(S_ik))
%
% with gradients and Hessian mat-vecs w.r.t. W and w.r.t. Z (chain rule
% through S = Z*W; see crossEntropy for dES and d2ES):
%
%   dEW = Z'*dES,    d2EW(V) = Z' * d2ES(Z*V)
%   dEZ = dES*W',    d2EZ(V) = d2ES(V*W) * W'
%
% The course's softMax adds a shift 1e-5*V to the Hessian mat-vecs; ours
% has no shift.
%
% Inputs:
%   W - classifier weights, m x nc
%   Z - features in rows, n x m
%   C - class probabilities, n x nc (rows sum to 1)
%
% Outputs:
%   E    - cross entropy, scalar
%   dEW  - gradient w.r.t. W, m x nc
%   d2EW - @(V) Hessian w.r.t. W times V, V m x nc (or its vec) -> m x nc
%   dEZ  - gradient w.r.t. Z, n x m
%   d2EZ - @(V) Hessian w.r.t. Z times V, V n x m (or its vec)  -> n x m
%
% Called with no arguments, runs a minimal example (Taylor tests).

if nargin==0, runMinimalExample; return; end

[m,nc] = size(W); n = size(Z,1);

S = Z*W;
[E,dES,d2ES] = crossEntropy(S,C);
dEW  = Z'*dES;
d2EW = @(V) Z' * d2ES(Z*reshape(V,m,nc));
dEZ  = dES*W';
d2EZ = @(V) d2ES(reshape(V,n,m)*W) * W';
end

function runMinimalExample
n = 50; m = 8; nc = 4;
W = randn(m,nc); Z = randn(n,m);
C = exp(randn(n,nc)); C = C./sum(C,2);
fprintf('E = softMax(W,Z,C) = %1.6f\n', softMax(W,Z,C));
disp('Taylor test w.r.t. W (with Hessian: E2 has order 3):');
passedW = checkDerivative(@(Wt) softMax(Wt,Z,C), W);
disp('Taylor test w.r.t. Z (with Hessian: E2 has order 3):');
passedZ = checkDerivative(@(Zt) lossOfZ(Zt,W,C), Z);
fprintf('both passed: %d\n', passedW && passedZ);
end

function [E,dEZ,d2EZ] = lossOfZ(Z,W,C)
% E and its derivatives as functions of Z (for checkDerivative)
[E,~,~,dEZ,d2EZ] = softMax(W,Z,C);
end
