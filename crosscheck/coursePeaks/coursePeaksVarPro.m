function [xSD, xKb, WOpt, trainErr, valErr] = coursePeaksVarPro(Y, C, Yv, Cv, K0, b0, maxIterSD, maxIterNewton, paramCl, lambdaW)
% Our driver (not part of the course): the training steps of the course's
% ESingleLayer_PeaksVarPro.m on data and a start passed in from Python, without
% its figures. The course's settings are written out; the iteration counts of
% the outer steepest descent and Newton-CG (10 and 20 in the course) are arguments.
% Optional: paramCl and lambdaW replace the course's inner solve and W-regulariser
% (a test uses a well-posed, tightly solved inner problem to compare iterates).
% Outputs: xSD, xKb ([K(:); b] of the course's K), WOpt (nc x (m+1)), errors in percent.
m  = size(K0, 1);
nf = size(Y, 1);
nc = size(C, 1);
if nargin < 9
    paramCl = struct('maxIter', 20, 'tolCG', 1e-5, 'maxIterCG', 30, 'out', -1);   % the inner solve for W
end
if nargin < 10
    lambdaW = 1e-10;
end
paramSL   = struct('act', @tanhActivation);
paramRegW = struct('L', 1, 'lambda', lambdaW);
fctn = @(x, varargin) singleLayerNNVarProObjFun(x, Y, C, m, paramCl, paramSL, [], paramRegW);

xSD = steepestDescent(fctn, [K0(:); b0(:)], struct('maxIter', maxIterSD, 'maxStep', 1));
xKb = newtoncg(fctn, xSD(:), struct('maxIter', maxIterNewton, 'tolCG', 1e-6, 'maxIterCG', 10));

% W for the final (K, b): as the course's script, by newtoncg on softMax alone (no regulariser)
K = reshape(xKb(1:m*nf), m, nf);
b = xKb(m*nf + 1);
Z = singleLayer(K, b, Y, paramSL);
WOpt = reshape(newtoncg(@(W, varargin) softMax(W, Z, C), zeros(nc*(m+1), 1), paramCl), nc, []);
[trainErr, valErr] = coursePeaksErrors([xKb; WOpt(:)], m, paramSL, Y, C, Yv, Cv);
end
