function [WOpt, trainErr, valErr] = courseEELMMNIST(Y, C, Yv, Cv, K, b, W0, maxIter, maxIterCG)
% Our driver (not part of the course): the training steps of the course's
% EELM_MNIST.m on digits and random weights passed in from Python, with the
% course's settings written out (lambda = 1e-8, CG to 1e-2); the iteration
% counts (20 and 30 in the course) are arguments. The course's singleLayer.m
% (tanhActivation) gives the features.
%
% Inputs in the course's layout: Y nf x n, C nc x n, K m x nf, b scalar, W0 nc x (m+1).
m  = size(K, 1);
nc = size(C, 1);
Z = singleLayer(K, b, Y);
paramReg = struct('L', speye(numel(W0)), 'lambda', 1e-8);
fctn  = @(x, varargin) classObjFun(x, Z, C, paramReg);
param = struct('maxIter', maxIter, 'maxStep', 1, 'maxIterCG', maxIterCG, 'tolCG', 1e-2);
WOpt  = reshape(newtoncg(fctn, W0(:), param), nc, m + 1);
trainErr = courseEELMError(WOpt, Z, C);
valErr   = courseEELMError(WOpt, singleLayer(K, b, Yv), Cv);
end
